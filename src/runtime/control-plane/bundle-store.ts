// Bundle history in the control plane's state directory, so a restart comes back with what was in force
// and any earlier version can be rolled back to. Files are written atomically (temp + rename).
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { serializeBundle, type Bundle } from "../../compiler/emit/bundle.ts";
import { readBundle } from "../../compiler/ir/read-bundle.ts";

export interface HistoryEntry {
  version: string;
  appliedAt: string;
  /** Where it came from: "policies:<dir>", "file:<path>", "git:<repo>@<commit>", "api", "rollback". */
  source: string;
}

function writeAtomically(file: string, content: string): void {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, content);
  renameSync(temporary, file);
}

export class BundleStore {
  private readonly dir: string;
  private readonly historyFile: string;
  private history: HistoryEntry[] = [];

  constructor(stateDir: string) {
    this.dir = path.join(stateDir, "bundles");
    this.historyFile = path.join(stateDir, "history.json");
    mkdirSync(this.dir, { recursive: true });
    try {
      this.history = JSON.parse(readFileSync(this.historyFile, "utf8")) as HistoryEntry[];
    } catch {
      this.history = [];
    }
  }

  entries(): readonly HistoryEntry[] {
    return this.history;
  }

  current(): Bundle | undefined {
    const last = this.history.at(-1);
    return last ? this.load(last.version) : undefined;
  }

  load(version: string): Bundle | undefined {
    if (!/^[0-9a-f]{16}$/.test(version)) return undefined;
    try {
      return readBundle(readFileSync(path.join(this.dir, `${version}.json`), "utf8")).bundle;
    } catch {
      return undefined;
    }
  }

  record(bundle: Bundle, source: string, now = new Date()): HistoryEntry {
    writeAtomically(path.join(this.dir, `${bundle.version}.json`), serializeBundle(bundle));
    const entry = { version: bundle.version, appliedAt: now.toISOString(), source };
    this.history.push(entry);
    // The newest 200 entries are plenty for rollbacks and the dashboard's change list.
    if (this.history.length > 200) this.history = this.history.slice(-200);
    writeAtomically(this.historyFile, `${JSON.stringify(this.history, null, 2)}\n`);
    return entry;
  }
}
