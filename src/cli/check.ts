// typemesh check [dir]: type-check and validate policies; --watch re-checks on every edit.
// The compiler (TypeScript's API, esbuild, ajv) is imported when the command runs, not when it is
// registered: `typemesh --help` registers every command and should not load them all.
import type { Command } from "commander";
import path from "node:path";
import { hasErrors, type Diagnostic } from "../compiler/diagnostics/diagnostic.ts";
import { UsageError } from "./errors.ts";
import { formatDiagnostics } from "../compiler/diagnostics/format.ts";
import { paletteFor } from "../compiler/diagnostics/palette.ts";
import { watchPolicies } from "../compiler/load/watch.ts";

export type FailOn = "error" | "warning";

export function failed(diagnostics: readonly Diagnostic[], failOn: FailOn): boolean {
  return failOn === "warning" ? diagnostics.length > 0 : hasErrors(diagnostics);
}

/** The documented JSON output of check (docs/cli.md). */
export function checkReport(diagnostics: readonly Diagnostic[], durationMs: number) {
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  return { schemaVersion: 1, ok: errors === 0, errors, warnings: diagnostics.length - errors, durationMs, diagnostics };
}

export function registerCheck(program: Command): void {
  program
    .command("check")
    .description("type-check and validate the policies in a directory")
    .argument("[dir]", "policies directory", "policies")
    .option("--format <format>", "text or json", "text")
    .option("--fail-on <severity>", "exit 1 on errors only (error) or on warnings too (warning)", "error")
    .option("--watch", "re-check whenever a policy file changes")
    .action(async (dir: string, opts: { format: string; failOn: FailOn; watch?: boolean }) => {
      if (!["text", "json"].includes(opts.format)) throw new UsageError(`--format must be text or json, not ${opts.format}`);
      if (!["error", "warning"].includes(opts.failOn)) throw new UsageError(`--fail-on must be error or warning, not ${opts.failOn}`);
      const root = path.resolve(dir);
      const [{ compilePolicies }, { createCompileSession }] = await Promise.all([import("../compiler/compile.ts"), import("../compiler/session.ts")]);
      // --watch keeps a session (the type checker's program, esbuild's context) between checks; a single
      // check is a one-shot compile, which answers from the last compile's record when nothing changed.
      const session = opts.watch ? createCompileSession(root) : undefined;
      const run = async () => {
        const started = performance.now();
        const { diagnostics } = await (session ? session.compile() : compilePolicies(root));
        const durationMs = Math.round(performance.now() - started);
        if (opts.format === "json") process.stdout.write(`${JSON.stringify(checkReport(diagnostics, durationMs))}\n`);
        else process.stdout.write(`${formatDiagnostics(root, diagnostics, paletteFor(process.stdout))} (${durationMs} ms)\n`);
        return diagnostics;
      };
      if (!session) {
        process.exitCode = failed(await run(), opts.failOn) ? 1 : 0;
        return;
      }
      // Stopped, it ends esbuild's service and the type checker's thread first: killed mid-rebuild,
      // esbuild's process would otherwise report its own broken pipe on the terminal.
      let stopping = false;
      const stop = () => {
        stopping = true;
        void session.dispose().catch(() => {}).finally(() => process.exit(0));
      };
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
      // A check that fails outright (not with diagnostics: the type checker's thread ended, say) is
      // reported and the watch goes on; one cut short by stopping is not reported at all.
      const check = async () => {
        try {
          await run();
        } catch (error) {
          if (!stopping) process.stderr.write(`typemesh: the check failed: ${(error as Error).message}\n`);
        }
      };
      // The watcher is armed before the first check (Node's recursive watcher arms itself
      // asynchronously): an edit made while that check runs is checked right after it.
      let running: Promise<unknown> = Promise.resolve();
      watchPolicies(root, () => {
        running = running.then(async () => {
          if (opts.format === "text") process.stdout.write("\nFile change detected. Checking…\n");
          await check();
        });
      });
      running = running.then(async () => {
        await check();
        if (opts.format === "text") process.stdout.write(`Watching ${root} for changes (Ctrl-C to stop)\n`);
      });
      await new Promise(() => {});
    });
}
