// Plan benchmark (issue 6, acceptance 4): on the compile benchmark's generated repository (1,000
// services) with one service changed, how long `typemesh plan` takes against one `typemesh check` of
// the same repository. One run of each, as a user runs them (CLI processes, cold), in a fresh git
// repository: the generated policies committed, then one service's split edited; prints the figures.
//
//   node --import tsx bench/plan/run.ts [--services 1000] [--seed 1] [--json]     (npm run bench:plan)
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { EDIT_SPLIT, generatePolicyRepository } from "../compile/generate.ts";

const { values } = parseArgs({ options: { services: { type: "string", default: "1000" }, seed: { type: "string", default: "1" }, json: { type: "boolean", default: false } } });
const bin = path.resolve("bin/typemesh.js");
const work = mkdtempSync(path.join(os.tmpdir(), "typemesh-bench-plan-"));
const git = (...args: string[]) => {
  const r = spawnSync("git", ["-c", "user.name=bench", "-c", "user.email=bench@example.com", "-c", "commit.gpgsign=false", ...args], { cwd: work, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr}`);
};

function timed(args: string[]): { ms: number; status: number | null; stdout: string } {
  const started = performance.now();
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: work, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" }, maxBuffer: 256 * 1024 * 1024 });
  const ms = performance.now() - started;
  if (r.status !== 0 && r.status !== 2) throw new Error(`typemesh ${args.join(" ")} exited ${r.status}: ${r.stderr}`);
  return { ms, status: r.status, stdout: r.stdout };
}

try {
  const repository = generatePolicyRepository({ dir: path.join(work, "policies"), services: Number(values.services), seed: Number(values.seed) });
  const files = repository.files.length;
  git("init", "--quiet", "--initial-branch=main");
  git("add", ".");
  git("commit", "--quiet", "-m", "generated policies");
  // One service changed the way an author would: its catch-all split moved 90/10 → 80/20.
  const changed = repository.editFile;
  const target = path.join(repository.dir, changed);
  writeFileSync(target, readFileSync(target, "utf8").replace(EDIT_SPLIT.before, EDIT_SPLIT.after));

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
