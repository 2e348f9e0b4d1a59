// Prebuilds the sidecar: src/cli/proxy-main.ts and the runtime it imports (about 50 files) bundled by
// esbuild into dist/proxy.mjs, packages left to node_modules. bin/typemesh.js runs `typemesh proxy` from
// it while none of the inputs listed in dist/proxy.inputs.json is newer, and from the TypeScript sources
// through tsx otherwise: an edit to the runtime is never run stale. `npm ci` runs this (prepare).
import * as esbuild from "esbuild";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const pkg = JSON.parse(readFileSync(path.join(repo, "package.json"), "utf8"));
const result = await esbuild.build({
  absWorkingDir: repo,
  entryPoints: ["src/cli/proxy-main.ts"],
  outfile: "dist/proxy.mjs",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  define: { TYPEMESH_VERSION: JSON.stringify(pkg.version) },
  metafile: true,
  logLevel: "warning",
});
mkdirSync(path.join(repo, "dist"), { recursive: true });
const inputs = Object.keys(result.metafile.inputs).sort();
writeFileSync(path.join(repo, "dist/proxy.inputs.json"), `${JSON.stringify(inputs, null, 2)}\n`);
process.stdout.write(`dist/proxy.mjs: the sidecar prebuilt from ${inputs.length} files\n`);
