// typemesh build [dir] --out dist: compile and write the bundle (and, with --target, mesh manifests).
// Nothing is written while an error stands.
import type { Command } from "commander";
import { mkdirSync, writeFileSync, renameSync } from "node:fs";
import path from "node:path";
import { hasErrors } from "../compiler/diagnostics/diagnostic.ts";
import { compilePolicies } from "../compiler/compile.ts";
import { createBundle, serializeBundle } from "../compiler/emit/bundle.ts";
import { formatDiagnostics } from "../compiler/diagnostics/format.ts";
import { paletteFor } from "../compiler/diagnostics/palette.ts";
import { UsageError } from "./errors.ts";
import { failed, type FailOn } from "./check.ts";

/** Writes through a temporary file so a reader never sees half a bundle. */
export function writeAtomically(file: string, content: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, content);
  renameSync(temporary, file);
}

export function registerBuild(program: Command): void {
  program
    .command("build")
    .description("compile the policies and write the config bundle")
    .argument("[dir]", "policies directory", "policies")
    .option("--out <dir>", "output directory", "dist")
    .option("--fail-on <severity>", "refuse to build on errors only (error) or on warnings too (warning)", "error")
    .option("--format <format>", "text or json", "text")
    .action(async (dir: string, opts: { out: string; failOn: FailOn; format: string }) => {
      if (!["text", "json"].includes(opts.format)) throw new UsageError(`--format must be text or json, not ${opts.format}`);
      const root = path.resolve(dir);
      const result = await compilePolicies(root);
      const blocked = failed(result.diagnostics, opts.failOn) || !result.ir;
      const written: string[] = [];
      let version: string | undefined;
      if (!blocked && result.ir) {
        const bundle = createBundle(result.ir);
        version = bundle.version;
        const file = path.join(path.resolve(opts.out), "bundle.json");
        writeAtomically(file, serializeBundle(bundle));
        written.push(file);
      }
      if (opts.format === "json") {
        process.stdout.write(`${JSON.stringify({ schemaVersion: 1, ok: !blocked, version, written, diagnostics: result.diagnostics })}\n`);
      } else {
        if (result.diagnostics.length > 0 || blocked) {
          process.stdout.write(`${formatDiagnostics(root, result.diagnostics, paletteFor(process.stdout))}\n`);
        }
        if (blocked) {
          process.stdout.write(`Nothing written: ${hasErrors(result.diagnostics) ? "fix the errors above" : "warnings fail the build (--fail-on warning)"}.\n`);
        }
        for (const file of written) process.stdout.write(`wrote ${path.relative(process.cwd(), file) || file} (version ${version})\n`);
      }
      process.exitCode = blocked ? 1 : 0;
    });
}
