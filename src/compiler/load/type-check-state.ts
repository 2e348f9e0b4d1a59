// Where a one-shot check keeps the type checker's state between processes: TypeScript's own
// incremental state (.tsbuildinfo: each file's content hash, its imports and its type errors), one file
// per policies directory under the user's cache directory. A `typemesh build` after a `typemesh check`
// of unchanged files then parses but does not re-check them, as `tsc --incremental` would.
// TYPEMESH_NO_CACHE=1 turns it off; TYPEMESH_CACHE_DIR moves it.
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import path from "node:path";

/** The most state files kept; the oldest go first (tests and one-off directories would pile up). */
const KEPT = 64;

function cacheDir(env: NodeJS.ProcessEnv): string {
  if (env.TYPEMESH_CACHE_DIR) return path.resolve(env.TYPEMESH_CACHE_DIR);
  const base = env.XDG_CACHE_HOME ? path.resolve(env.XDG_CACHE_HOME) : path.join(homedir(), ".cache");
  return path.join(base, "typemesh", "type-check");
}

/** The state file for a policies directory, or undefined when the cache is off. */
export function typeCheckStateFile(root: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.TYPEMESH_NO_CACHE === "1") return undefined;
  const key = createHash("sha256").update(path.resolve(root)).digest("hex").slice(0, 24);
  return path.join(cacheDir(env), `${key}.tsbuildinfo`);
}

/**
 * Writes a state file whole or not at all (two checks of one directory may finish together), and keeps
 * the directory to KEPT files of its kind, by extension (.tsbuildinfo; .json for check-record.ts's
 * records and transform-cache.ts's transforms together). A cache that cannot be written costs only the
 * next check's time.
 */
export function saveTypeCheckState(file: string, text: string): void {
  try {
    const dir = path.dirname(file);
    mkdirSync(dir, { recursive: true });
    const partial = `${file}.${process.pid}.${Date.now()}.partial`;
    writeFileSync(partial, text);
    renameSync(partial, file);
    const kind = path.extname(file);
    const states = readdirSync(dir).filter((name) => name.endsWith(kind));
    if (states.length <= KEPT) return;
    const byAge = states.map((name) => ({ name, at: statSync(path.join(dir, name)).mtimeMs })).sort((a, b) => a.at - b.at);
    for (const { name } of byAge.slice(0, states.length - KEPT)) rmSync(path.join(dir, name), { force: true });
  } catch {
    // not kept: the next check re-checks everything
  }
}
