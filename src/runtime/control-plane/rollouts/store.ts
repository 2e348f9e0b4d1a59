// Rollouts on disk (state dir/rollouts.json), so a restarted control plane carries on with them.
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Rollout } from "./rollout.ts";

export class RolloutStore {
  private readonly file: string;

  constructor(stateDir: string) {
    this.file = path.join(stateDir, "rollouts.json");
  }

  load(): Rollout[] {
    try {
      const parsed = JSON.parse(readFileSync(this.file, "utf8")) as unknown;
      return Array.isArray(parsed) ? (parsed as Rollout[]) : [];
    } catch {
      return [];
    }
  }

  save(rollouts: readonly Rollout[]): void {
    const temporary = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(rollouts, null, 2)}\n`);
    renameSync(temporary, this.file);
  }
}
