// typemesh plan [dir] --base REF: what a policy change does to traffic, base ref vs working tree.
// Exit codes follow terraform's -detailed-exitcode: 0 no change, 2 change (only when asked), 1 error.
import type { Command } from "commander";
import { writeFileSync } from "node:fs";
import type { ImpactReport } from "../compiler/diff/report.ts";
import { paletteFor } from "../compiler/diagnostics/palette.ts";
import { GitOpsError } from "../gitops/errors.ts";
import { CommandError, EXIT, UsageError } from "./errors.ts";
import { adminToken } from "./options.ts";

const FORMATS = ["text", "markdown", "json"] as const;

export function planExitCode(report: ImpactReport, detailed: boolean): number {
  if (report.verdict === "error") return EXIT.failure;
  return detailed && report.verdict === "change" ? EXIT.changes : EXIT.ok;
}

/** Runs a GitOps step, turning its expected failures into the CLI's (exit 1, no stack). */
export async function gitops<T>(step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    if (error instanceof GitOpsError) throw new CommandError(error.message);
    throw error;
  }
}

export function registerPlan(program: Command): void {
  program
    .command("plan")
    .description("compare the policies with a git ref: what the change does to traffic, and its risks")
    .argument("[dir]", "policies directory (in a git repository)", "policies")
    .option("--base <ref>", "git ref to compare with", "HEAD")
    .option("--format <format>", "text, markdown or json", "text")
    .option("--out <file>", "write the report to a file instead of standard output")
    .option("--detailed-exitcode", "exit 2 when there are changes (0 none, 1 error)")
    .option("--control-plane <url>", "read live request rates and endpoints from this control plane")
    .option("--token <token>", "admin token for --control-plane (default: TYPEMESH_ADMIN_TOKEN)")
    .option("--samples <file>", "newline-delimited recorded requests to replay through base and head")
    .action(async (dir: string, opts: { base: string; format: string; out?: string; detailedExitcode?: boolean; controlPlane?: string; token?: string; samples?: string }) => {
      if (!(FORMATS as readonly string[]).includes(opts.format)) throw new UsageError(`--format must be text, markdown or json, not ${opts.format}`);
      if (opts.controlPlane !== undefined && !URL.canParse(opts.controlPlane)) throw new UsageError(`--control-plane ${JSON.stringify(opts.controlPlane)} is not a URL`);
      const token = adminToken(opts.token);
      // git, the compiler and the worker are loaded when the command runs (check.ts says why).
      const [{ runPlan }, { renderJson }, { renderMarkdown }, { renderText }] = await Promise.all([
        import("../gitops/plan.ts"), import("../gitops/render/json.ts"), import("../gitops/render/markdown.ts"), import("../gitops/render/text.ts"),
      ]);
      const report = await gitops(() => runPlan({
        policiesDir: dir, base: opts.base,
        ...(opts.controlPlane !== undefined && { controlPlane: opts.controlPlane }),
        ...(token !== undefined && { adminToken: token }),
        ...(opts.samples !== undefined && { samplesFile: opts.samples }),
      }));
      const stream = opts.out ? undefined : process.stdout;
      const text = opts.format === "json" ? renderJson(report)
        : opts.format === "markdown" ? renderMarkdown(report)
          : `${renderText(report, stream ? paletteFor(stream) : paletteFor({ isTTY: false } as NodeJS.WriteStream))}\n`;
      if (opts.out) writeFileSync(opts.out, text);
      else process.stdout.write(text);
      process.exitCode = planExitCode(report, Boolean(opts.detailedExitcode));
    });
}
