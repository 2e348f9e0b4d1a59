// typemesh build [dir] --out dist: compile and write the bundle (and, with --target, mesh manifests).
// Nothing is written while an error stands.
import type { Command } from "commander";
import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { hasErrors } from "../compiler/diagnostics/diagnostic.ts";
import { createBundle, serializeBundle } from "../compiler/emit/bundle.ts";
import { isTargetName, targetNames, type EmittedFile, type TargetName } from "../compiler/emit/targets/target.ts";
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

type BuildTarget = "bundle" | TargetName;

function parseTargets(text: string): BuildTarget[] {
  const names = text.split(",").map((t) => t.trim());
  if (names.includes("all")) return ["bundle", ...targetNames];
  for (const name of names) {
    if (name !== "bundle" && !isTargetName(name)) throw new UsageError(`unknown target ${name}: bundle, ${targetNames.join(", ")} or all`);
  }
  return [...new Set(names)] as BuildTarget[];
}

/** Replaces a target's directory whole, so a resource the policy no longer produces does not linger. */
function writeTargetDir(dir: string, files: readonly EmittedFile[]): string[] {
  rmSync(dir, { recursive: true, force: true });
  return files.map((file) => {
    const target = path.join(dir, ...file.path.split("/"));
    writeAtomically(target, file.content);
    return target;
  });
}

export function registerBuild(program: Command): void {
  program
    .command("build")
    .description("compile the policies and write the config bundle (and, with --target, mesh manifests)")
    .argument("[dir]", "policies directory", "policies")
    .option("--out <dir>", "output directory", "dist")
    .option("--target <targets>", `bundle, ${targetNames.join(", ")} or all (comma-separated)`, "bundle")
    .option("--strict-targets", "what a target cannot express is an error, not a warning")
    .option("--fail-on <severity>", "refuse to build on errors only (error) or on warnings too (warning)", "error")
    .option("--format <format>", "text or json", "text")
    .action(async (dir: string, opts: { out: string; target: string; strictTargets?: boolean; failOn: FailOn; format: string }) => {
      if (!["text", "json"].includes(opts.format)) throw new UsageError(`--format must be text or json, not ${opts.format}`);
      const targets = parseTargets(opts.target);
      const root = path.resolve(dir);
      const out = path.resolve(opts.out);
      // The compiler and the emitters are loaded when the command runs (check.ts says why).
      const [{ compilePolicies }, { emitTarget }] = await Promise.all([import("../compiler/compile.ts"), import("../compiler/emit/targets/index.ts")]);
      const result = await compilePolicies(root);
      const diagnostics = [...result.diagnostics];
      const emitted: [TargetName, EmittedFile[]][] = [];
      if (result.ir) {
        for (const name of targets) {
          if (name === "bundle") continue;
          const output = emitTarget(name, result.ir, { strictTargets: Boolean(opts.strictTargets) });
          diagnostics.push(...output.diagnostics); // their messages name the target
          emitted.push([name, output.files]);
        }
      }
      // Nothing is written while an error stands, for any target.
      const blocked = failed(diagnostics, opts.failOn) || !result.ir;
      const written: string[] = [];
      let version: string | undefined;
      if (!blocked && result.ir) {
        if (targets.includes("bundle")) {
          const bundle = createBundle(result.ir);
          version = bundle.version;
          const file = path.join(out, "bundle.json");
          writeAtomically(file, serializeBundle(bundle));
          written.push(file);
        }
        for (const [name, files] of emitted) written.push(...writeTargetDir(path.join(out, name), files));
      }
      if (opts.format === "json") {
        process.stdout.write(`${JSON.stringify({ schemaVersion: 1, ok: !blocked, version, written, diagnostics })}\n`);
      } else {
        if (diagnostics.length > 0 || blocked) {
          process.stdout.write(`${formatDiagnostics(root, diagnostics, paletteFor(process.stdout))}\n`);
        }
        if (blocked) {
          process.stdout.write(`Nothing written: ${hasErrors(diagnostics) ? "fix the errors above" : "warnings fail the build (--fail-on warning)"}.\n`);
        }
        if (version) process.stdout.write(`wrote ${path.relative(process.cwd(), path.join(out, "bundle.json")) || "bundle.json"} (version ${version})\n`);
        for (const [name, files] of emitted) if (!blocked) process.stdout.write(`wrote ${files.length} files to ${path.relative(process.cwd(), path.join(out, name)) || name}/\n`);
      }
      process.exitCode = blocked ? 1 : 0;
    });
}
