// `typemesh <command>`: one file per command registers itself here.
import { readFileSync } from "node:fs";
import { packagePath } from "../package-root.ts";
import { run, type Commands } from "./program.ts";

// Each command's module, loaded only when needed: a sidecar (`typemesh proxy`, one per workload) then
// carries the runtime alone, not the compiler, TypeScript, esbuild and the GitHub client (200 MB of
// resident memory less per proxy). In the order `--help` lists them.
const COMMANDS: Commands = {
  check: async () => (await import("./check.ts")).registerCheck,
  build: async () => (await import("./build.ts")).registerBuild,
  simulate: async () => (await import("./simulate.ts")).registerSimulate,
  init: async () => (await import("./init.ts")).registerInit,
  "control-plane": async () => (await import("./control-plane.ts")).registerControlPlane,
  proxy: async () => (await import("./proxy.ts")).registerProxy,
  status: async () => (await import("./status.ts")).registerStatus,
  up: async () => (await import("./up.ts")).registerUp,
  plan: async () => (await import("./plan.ts")).registerPlan,
  comment: async () => (await import("./comment.ts")).registerComment,
  pr: async () => (await import("./pr.ts")).registerPr,
  rollout: async () => (await import("./rollout.ts")).registerRollout,
};

const pkg = JSON.parse(readFileSync(packagePath("package.json"), "utf8")) as { version: string };

await run(pkg.version, COMMANDS);
