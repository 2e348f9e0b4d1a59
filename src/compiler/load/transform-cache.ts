// esbuild's CommonJS transform of each policy module (module-graph.ts), kept on disk beside the type
// checker's saved state (type-check-state.ts), so that a restarted session (`check --watch`, a control
// plane's policies source) primes its module sandbox without transforming every module again: about
// 2 of the 3.6 s priming takes on 1,000 services. The same text, under the same name, given to the
// same esbuild with the same options, comes out the same; the file says which esbuild and which options
// its entries came from, and anything else (another version, a file that does not parse) is an empty
// cache. A wrong entry could not mislead anyway: priming compares the module-by-module evaluation with
// the bundle's and stays on the bundle when they differ.
import { readFileSync, rmSync } from "node:fs";
import { hashText } from "./check-record.ts";
import { saveTypeCheckState } from "./type-check-state.ts";

export interface Transformed {
  code: string;
  map: string;
}

export interface TransformCache {
  get(id: string, text: string): Transformed | undefined;
  set(id: string, text: string, transformed: Transformed): void;
  /** Writes the entries this session asked for or made (others are dropped), if that differs from the file. */
  save(): void;
  /** Drops every entry, on disk too: what was cached may be why priming failed. */
  forget(): void;
}

interface CacheFile {
  /** esbuild's version and the transform's options, as module-graph.ts gives them. */
  made: string;
  entries: Record<string, Transformed>;
}

/** The cache file beside a directory's TypeScript state file. */
export function transformCacheFile(stateFile: string): string {
  return stateFile.replace(/\.tsbuildinfo$/, "") + ".transforms.json";
}

const keyOf = (id: string, text: string) => `${id}\u0000${hashText(text)}`;

function read(file: string, made: string): Map<string, Transformed> {
  try {
    const parsed = JSON.parse(readFileSync(file, "utf8")) as Partial<CacheFile>;
    if (parsed.made !== made || !parsed.entries || typeof parsed.entries !== "object") return new Map();
    const entries = new Map<string, Transformed>();
    for (const [key, value] of Object.entries(parsed.entries)) {
      if (value && typeof value.code === "string" && typeof value.map === "string") entries.set(key, { code: value.code, map: value.map });
    }
    return entries;
  } catch {
    return new Map(); // none yet, or unreadable: transform again
  }
}

/**
 * The cache in `file` for transforms `made` by one esbuild with one set of options; with no file (the
 * cache is off, TYPEMESH_NO_CACHE), one that keeps entries in memory for this session only.
 */
export function openTransformCache(file: string | undefined, made: string): TransformCache {
  let stored: Map<string, Transformed> | undefined; // read on first use
  // The latest transform of each module this session asked for or made: what is saved.
  const used = new Map<string, { key: string; transformed: Transformed }>();
  let changed = false;
  const storedEntries = () => (stored ??= file ? read(file, made) : new Map());
  return {
    get(id, text) {
      const key = keyOf(id, text);
      const mine = used.get(id);
      if (mine?.key === key) return mine.transformed;
      const found = storedEntries().get(key);
      if (found) {
        used.set(id, { key, transformed: found });
        if (mine) changed = true;
      }
      return found;
    },
    set(id, text, transformed) {
      used.set(id, { key: keyOf(id, text), transformed });
      changed = true;
    },
    save() {
      if (!file) return;
      if (!changed && storedEntries().size === used.size) return;
      const entries = new Map([...used.values()].map(({ key, transformed }) => [key, transformed]));
      saveTypeCheckState(file, JSON.stringify({ made, entries: Object.fromEntries(entries) } satisfies CacheFile));
      stored = entries;
      changed = false;
    },
    forget() {
      stored = new Map();
      used.clear();
      changed = false;
      if (file) rmSync(file, { force: true });
    },
  };
}
