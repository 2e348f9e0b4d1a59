// Which prebuilt sidecar bin/typemesh.js may run: `<root>/dist/proxy.mjs`, while none of the sources it
// was built from (dist/proxy.inputs.json, written by scripts/build-proxy.mjs) is newer than it or gone.
import { readFileSync, statSync } from "node:fs";

/** The prebuilt sidecar's URL under `root` (a directory URL ending in "/"), or undefined: run the sources. */
export function prebuiltProxy(root) {
  try {
    const bundle = new URL("dist/proxy.mjs", root);
    const built = statSync(bundle).mtimeMs;
    const inputs = JSON.parse(readFileSync(new URL("dist/proxy.inputs.json", root), "utf8"));
    if (!Array.isArray(inputs) || inputs.length === 0) return undefined;
    for (const input of inputs) if (statSync(new URL(input, root)).mtimeMs > built) return undefined;
    return bundle;
  } catch {
    return undefined; // not built, or a source is gone
  }
}
