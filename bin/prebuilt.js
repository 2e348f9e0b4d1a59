// Which prebuilt entry bin/typemesh.js may run: `<root>/dist/<name>.mjs`, while none of the sources it
// was built from (dist/<name>.inputs.json, written by scripts/prebuild.mjs) is newer than it or gone.
import { readFileSync, statSync } from "node:fs";

/** The prebuilt entry's URL under `root` (a directory URL ending in "/"), or undefined: run the sources. */
export function prebuilt(root, name) {
  try {
    const bundle = new URL(`dist/${name}.mjs`, root);
    const built = statSync(bundle).mtimeMs;
    const inputs = JSON.parse(readFileSync(new URL(`dist/${name}.inputs.json`, root), "utf8"));
    if (!Array.isArray(inputs) || inputs.length === 0) return undefined;
    for (const input of inputs) if (statSync(new URL(input, root)).mtimeMs > built) return undefined;
    return bundle;
  } catch {
    return undefined; // not built, or a source is gone
  }
}
