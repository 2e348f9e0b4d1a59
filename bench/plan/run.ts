// Plan benchmark (issue 6, acceptance 4): on a policy repository with one service changed, how long
// `typemesh plan` takes against one `typemesh check` of the same repository. One run of each, as a user
// runs them (CLI processes, cold), on a copy committed to a fresh git repository; prints the figures.
//
//   node --import tsx bench/plan/run.ts [--dir bench/compile/generated/policies] [--json]
//
// --dir is the policies directory to copy (default: the compile benchmark's generated 1,000-service
// repository; run its generator first).
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";

const { values } = parseArgs({ options: { dir: { type: "string", default: "bench/compile/generated/policies" }, json: { type: "boolean", default: false } } });
const source = path.resolve(values.dir!);
if (!existsSync(source)) {
  console.error(`no policies at ${source}: generate the 1,000-service repository first (bench/compile)`);
  process.exit(1);
}
const bin = path.resolve("bin/typemesh.js");
const work = mkdtempSync(path.join(os.tmpdir(), "typemesh-bench-plan-"));
const git = (...args: string[]) => {
  const r = spawnSync("git", ["-c", "user.name=bench", "-c", "user.email=bench@example.com", "-c", "commit.gpgsign=false", ...args], { cwd: work, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr}`);
};

/** One service file changed the way an author would: its first timeout doubled (or its port moved). */
function changeOneService(dir: string): string {
  const files = readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".policy.ts")).sort();
  for (const file of files) {
    const full = path.join(dir, file);
    const text = readFileSync(full, "utf8");
    if (!text.includes("defineService")) continue;
    const changed = text.replace(/timeout: "(\d+)(ms|s)"/, (_m, n: string, unit: string) => `timeout: "${Number(n) * 2}${unit}"`);
    writeFileSync(full, changed !== text ? changed : text.replace(/port: (\d+)/, (_m, p: string) => `port: ${Number(p) + 1}`));
    return file;
  }
  throw new Error(`no service file in ${dir}`);
}

function timed(args: string[]): { ms: number; status: number | null; stdout: string } {
  const started = performance.now();
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: work, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" }, maxBuffer: 256 * 1024 * 1024 });
  const ms = performance.now() - started;
  if (r.status !== 0 && r.status !== 2) throw new Error(`typemesh ${args.join(" ")} exited ${r.status}: ${r.stderr}`);
  return { ms, status: r.status, stdout: r.stdout };
}

try {
  cpSync(source, path.join(work, "policies"), { recursive: true });
  const files = readdirSync(path.join(work, "policies"), { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".policy.ts")).length;
  git("init", "--quiet", "--initial-branch=main");
  git("add", ".");
  git("commit", "--quiet", "-m", "generated policies");
  const changed = changeOneService(path.join(work, "policies"));

  const check = timed(["check", "policies", "--format", "json"]);
  const plan = timed(["plan", "policies", "--base", "HEAD", "--format", "json", "--detailed-exitcode"]);
  const report = JSON.parse(plan.stdout) as { headline: string; counts: Record<string, number> };
  const checkReport = JSON.parse(check.stdout) as { durationMs: number };
  const ratio = plan.ms / check.ms;
  const figures = {
    policyFiles: files, changed, checkMs: Math.round(check.ms), checkCompileMs: checkReport.durationMs, planMs: Math.round(plan.ms),
    ratio: Math.round(ratio * 100) / 100, budget: 2.5, withinBudget: ratio <= 2.5, planExit: plan.status, headline: report.headline,
    cpus: os.cpus().length, loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100), node: process.version,
  };
  if (values.json) console.log(JSON.stringify(figures));
  else {
    console.log(`policy files ${files}; changed ${changed}`);
    console.log(`check  ${figures.checkMs} ms (compile ${figures.checkCompileMs} ms)`);
    console.log(`plan   ${figures.planMs} ms (exit ${plan.status}: ${report.headline})`);
    console.log(`ratio  ${figures.ratio}× (budget 2.5×: ${figures.withinBudget ? "within" : "OVER"}); ${figures.cpus} CPUs, load ${figures.loadAverage.join(" ")}`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
