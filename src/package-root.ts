// The package's root directory, found the same way from the TypeScript sources (src/…) and from a
// prebuilt bundle (dist/…): the nearest directory above this module holding typemesh's package.json.
// Files the code reads at run time (the authoring API for the type checker, the sandbox's script, the
// dashboard's sources) are found from here rather than relative to the module, which moves when bundled.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

function findRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, "package.json");
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, "utf8")) as { name?: string }).name === "typemesh") return dir;
    if (path.dirname(dir) === dir) throw new Error(`typemesh's package.json was not found above ${from}`);
  }
}

export const packageRoot = findRoot(path.dirname(fileURLToPath(import.meta.url)));

/** A file of the package, by its path from the package's root ("src/dsl/index.ts"). */
export function packagePath(relative: string): string {
  return path.join(packageRoot, ...relative.split("/"));
}

declare const TYPEMESH_PREBUILT: boolean | undefined; // true in the prebuilt bundles (scripts/prebuild.mjs)

/**
 * The script a worker thread starts: beside a prebuilt CLI its own prebuilt bundle (`dist/<name>.mjs`),
 * otherwise its plain-JavaScript starter in the sources, which registers tsx before importing them.
 */
export function workerScript(name: string, sourceStarter: string): URL {
  const prebuilt = typeof TYPEMESH_PREBUILT !== "undefined" && TYPEMESH_PREBUILT;
  return pathToFileURL(packagePath(prebuilt ? `dist/${name}.mjs` : sourceStarter));
}
