// The last config this proxy applied, on disk, so that a proxy restarted while the control plane is
// down comes back serving what it served before.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { ProxyView } from "../protocol/messages.ts";

export interface LastGood {
  version: string;
  view: ProxyView;
}

export function lastGoodFile(stateDir: string, proxyId: string): string {
  return path.join(stateDir, `${proxyId.replace(/[^\w.-]/g, "_")}.last-good.json`);
}

export function saveLastGood(file: string, config: LastGood): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(config));
  renameSync(temporary, file);
}

export function loadLastGood(file: string): LastGood | undefined {
  try {
    const parsed = JSON.parse(readFileSync(file, "utf8")) as Partial<LastGood>;
    if (typeof parsed.version === "string" && parsed.view && typeof parsed.view === "object") return parsed as LastGood;
  } catch {
    // No file, or a damaged one: start without a config and wait for the control plane.
  }
  return undefined;
}
