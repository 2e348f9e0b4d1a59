// The module sandbox's runtime: the authoring API and the declaration collector as one script, bundled
// by esbuild from module-runtime-entry.ts. Built once per process: it changes only with typemesh itself.
import * as esbuild from "esbuild";
import { packagePath } from "../../package-root.ts";

export const RUNTIME_GLOBAL = "__typemeshRuntime";

let built: Promise<string> | undefined;

export function moduleRuntime(): Promise<string> {
  built ??= esbuild.build({
    entryPoints: [packagePath("src/compiler/load/module-runtime-entry.ts")],
    bundle: true,
    write: false,
    format: "iife",
    globalName: RUNTIME_GLOBAL,
    platform: "neutral",
    target: "es2022",
    logLevel: "silent",
  }).then((result) => result.outputFiles[0]!.text);
  built.catch(() => { built = undefined; });
  return built;
}
