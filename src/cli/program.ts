// The `typemesh` program: commander set-up, exit codes, error reporting. The entries (main.ts, and
// proxy-main.ts for a prebuilt sidecar) say which commands it has and run it.
import { Command, CommanderError } from "commander";
import { CommandError, EXIT, UsageError } from "./errors.ts";
import { GitOpsError } from "../gitops/errors.ts";

export type Register = (program: Command) => void;
/** Command name → how to load its registration (only the one being run is loaded). */
export type Commands = Record<string, () => Promise<Register>>;

/** The program with every command, or only `only` when that names one (what a run of it needs). */
export async function createProgram(version: string, commands: Commands, only?: string): Promise<Command> {
  const program = new Command("typemesh")
    .description("Service-mesh policy as typed TypeScript: check, build, simulate, plan and run it.")
    .version(version)
    // Options after a command are that command's: `typemesh proxy --version v1` is the workload's
    // version, not a request for typemesh's own.
    .enablePositionalOptions()
    .showHelpAfterError()
    .exitOverride()
    .addHelpText("after", `
Exit codes: 0 success, 1 policy errors or a failed operation, 2 changes (plan --detailed-exitcode),
3 rollout rolled back, 64 wrong usage. Documentation: docs/cli.md`);
  const names = only !== undefined && Object.hasOwn(commands, only) ? [only] : Object.keys(commands);
  for (const register of await Promise.all(names.map((name) => commands[name]!()))) register(program);
  const override = (command: Command): void => {
    command.exitOverride();
    command.commands.forEach(override);
  };
  program.commands.forEach(override);
  return program;
}

export async function main(argv: string[], version: string, commands: Commands): Promise<number> {
  try {
    await (await createProgram(version, commands, argv[2])).parseAsync(argv);
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

/** Runs the program on process.argv and sets the exit code. */
export async function run(version: string, commands: Commands): Promise<void> {
  // `typemesh … | head`: a reader that goes away early ends the output, not in a stack trace.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
      throw error;
    });
  }
  process.exitCode = await main(process.argv, version, commands);
}
