// The sidecar's own entry: `typemesh proxy` and nothing else, prebuilt to dist/proxy.mjs by
// scripts/prebuild.mjs (npm ci runs it) so that every sidecar starts without tsx's loader thread and
// without the rest of the CLI. bin/typemesh.js uses it while it is not older than its sources.
import { registerProxy } from "./proxy.ts";
import { run } from "./program.ts";

declare const TYPEMESH_VERSION: string; // defined by the build

await run(TYPEMESH_VERSION, { proxy: async () => registerProxy });
