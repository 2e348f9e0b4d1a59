// `typemesh <command>`: one file per command registers itself here.
import { Command, CommanderError } from "commander";
import { readFileSync } from "node:fs";
import { registerBuild } from "./build.ts";
import { registerCheck } from "./check.ts";
import { CommandError, EXIT, UsageError } from "./errors.ts";
import { GitOpsError } from "../gitops/errors.ts";
import { registerInit } from "./init.ts";
import { registerSimulate } from "./simulate.ts";
import { registerControlPlane } from "./control-plane.ts";
import { registerProxy } from "./proxy.ts";
import { registerStatus } from "./status.ts";
import { registerUp } from "./up.ts";
import { registerPlan } from "./plan.ts";
import { registerComment } from "./comment.ts";
import { registerPr } from "./pr.ts";
import { registerRollout } from "./rollout.ts";

const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };

export function createProgram(): Command {
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
  registerCheck(program);
  registerBuild(program);
  registerSimulate(program);
  registerInit(program);
  registerControlPlane(program);
  registerProxy(program);
  registerStatus(program);
  registerUp(program);
  registerPlan(program);
  registerComment(program);
  registerPr(program);
  registerRollout(program);
  const override = (command: Command): void => {
    command.exitOverride();
    command.commands.forEach(override);
  };
  program.commands.forEach(override);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await createProgram().parseAsync(argv);
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

process.exitCode = await main(process.argv);
