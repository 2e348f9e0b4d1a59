// `typemesh <command>`: one file per command registers itself here.
import { Command, CommanderError } from "commander";
import { readFileSync } from "node:fs";
import { CommandError, EXIT, UsageError } from "./errors.ts";
import { GitOpsError } from "../gitops/errors.ts";

type Register = (program: Command) => void;

// Each command's module, loaded only when needed: a sidecar (`typemesh proxy`, one per workload) then
// carries the runtime alone, not the compiler, TypeScript, esbuild and the GitHub client (200 MB of
// resident memory less per proxy). In the order `--help` lists them.
const COMMANDS: Record<string, () => Promise<Register>> = {
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

const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };

/** The program with every command, or only `only` when that names one (what a run of it needs). */
export async function createProgram(only?: string): Promise<Command> {
  const program = new Command("typemesh")
    .description("Service-mesh policy as typed TypeScript: check, build, simulate, plan and run it.")
    .version(pkg.version)
    // Options after a command are that command's: `typemesh proxy --version v1` is the workload's
    // version, not a request for typemesh's own.
    .enablePositionalOptions()
    .showHelpAfterError()
    .exitOverride()
    .addHelpText("after", `
Exit codes: 0 success, 1 policy errors or a failed operation, 2 changes (plan --detailed-exitcode),
3 rollout rolled back, 64 wrong usage. Documentation: docs/cli.md`);
  const names = only !== undefined && Object.hasOwn(COMMANDS, only) ? [only] : Object.keys(COMMANDS);
  for (const register of await Promise.all(names.map((name) => COMMANDS[name]!()))) register(program);
  const override = (command: Command): void => {
    command.exitOverride();
    command.commands.forEach(override);
  };
  program.commands.forEach(override);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await (await createProgram(argv[2])).parseAsync(argv);
    return typeof process.exitCode === "number" ? process.exitCode : EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and --version also end here, with exit code 0.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (error instanceof UsageError) {
      process.stderr.write(`typemesh: ${error.message}\n`);
      return EXIT.usage;
    }
    if (error instanceof CommandError || error instanceof GitOpsError) {
      process.stderr.write(`typemesh: ${error.message}\n`);
      return EXIT.failure;
    }
    throw error;
  }
}

// `typemesh … | head`: a reader that goes away early ends the output, not in a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw error;
  });
}
process.exitCode = await main(process.argv);
