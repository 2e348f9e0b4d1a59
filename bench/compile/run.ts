// Compile benchmark (issue 2, acceptance 6), in one run over one generated repository: a cold
// `typemesh check` and a `typemesh build` (fresh CLI processes), plain `tsc --noEmit` over the same
// files with the same compiler options, and a re-check in `check --watch` after one file is edited,
// beside `tsc --watch`'s re-check after the same edits (TypeScript's own floor for a re-check).
// Repetitions interleave the commands so that a shared machine's load falls on all of them alike;
// medians are printed against the targets.
//
//   npm run bench:compile -- [--services 1000] [--reps 5] [--edits 5] [--reuse] [--json] [--budget 1200]
//
// --reuse measures the repository already in bench/compile/generated/ instead of writing it again.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { policyTsconfig } from "../../src/compiler/load/type-check.ts";
import { DEFAULT_OUT, EDIT_FILE, EDIT_SPLIT, generatePolicyRepository } from "./generate.ts";
import { lineReader, median, timeCommand, type Timed } from "./measure.ts";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const cli = path.join(repo, "bin/typemesh.js");
const tsc = path.join(repo, "node_modules/typescript/bin/tsc");

const { values } = parseArgs({
  options: {
    services: { type: "string", default: "1000" },
    reps: { type: "string", default: "5" },
    edits: { type: "string", default: "5" },
    reuse: { type: "boolean", default: false },
    json: { type: "boolean", default: false },
    budget: { type: "string", default: "1200" },
  },
});
const reps = Math.max(1, Number(values.reps));
const edits = Math.max(1, Number(values.edits));
const deadline = performance.now() + Number(values.budget) * 1000;
const remaining = () => Math.max(1000, deadline - performance.now());
const log = (message: string) => { if (!values.json) process.stderr.write(`${message}\n`); };

const dir = DEFAULT_OUT;
const generated = values.reuse
  ? { dir, editFile: EDIT_FILE, services: Number(values.services) }
  : generatePolicyRepository({ dir, services: Number(values.services) });
writeFileSync(path.join(dir, "tsconfig.json"),
  `${JSON.stringify({ compilerOptions: policyTsconfig(), include: ["**/*.policy.ts"] }, null, 2)}\n`);
const outDir = mkdtempSync(path.join(tmpdir(), "typemesh-compile-bench-"));
const loadBefore = loadavg()[0]!;

function expectClean(what: string, run: Timed): { durationMs?: number } {
  if (run.code !== 0) throw new Error(`${what} exited with ${run.code}:\n${run.stdout.slice(0, 2000)}${run.stderr.slice(0, 2000)}`);
  if (what === "tsc") return {};
  const report = JSON.parse(run.stdout.trim().split("\n").at(-1)!) as { ok: boolean; errors?: number; warnings?: number; diagnostics: unknown[]; durationMs?: number };
  if (!report.ok || report.diagnostics.length > 0) {
    throw new Error(`${what}: the generated repository does not check clean: ${JSON.stringify(report.diagnostics.slice(0, 5))}`);
  }
  return report;
}

const samples = { tsc: [] as Timed[], check: [] as Timed[], build: [] as Timed[], coldBuild: [] as Timed[], checkReportedMs: [] as number[] };
// The type-check state (src/compiler/load/type-check-state.ts) lives in a directory of the run's own:
// empty before each cold check, so that it is cold; the build after it starts from the state the check
// saved, as a build after a check in CI does. A build with the state off is measured too.
const cacheDir = mkdtempSync(path.join(tmpdir(), "typemesh-compile-bench-cache-"));
const withState = { ...process.env, TYPEMESH_CACHE_DIR: cacheDir };
const withoutState = { ...process.env, TYPEMESH_NO_CACHE: "1" };
for (let rep = 0; rep < reps; rep++) {
  log(`repetition ${rep + 1}/${reps}: tsc, check (cold), build (after check), build (no saved state)`);
  const plain = await timeCommand(process.execPath, [tsc, "-p", path.join(dir, "tsconfig.json")], { timeoutMs: remaining() });
  expectClean("tsc", plain);
  samples.tsc.push(plain);
  rmSync(cacheDir, { recursive: true, force: true });
  const check = await timeCommand(process.execPath, [cli, "check", dir, "--format", "json"], { env: withState, timeoutMs: remaining() });
  samples.checkReportedMs.push(expectClean("check", check).durationMs!);
  samples.check.push(check);
  const build = await timeCommand(process.execPath, [cli, "build", dir, "--out", outDir, "--format", "json"], { env: withState, timeoutMs: remaining() });
  expectClean("build", build);
  samples.build.push(build);
  const coldBuild = await timeCommand(process.execPath, [cli, "build", dir, "--out", outDir, "--format", "json"], { env: withoutState, timeoutMs: remaining() });
  expectClean("build", coldBuild);
  samples.coldBuild.push(coldBuild);
}
rmSync(outDir, { recursive: true, force: true });

interface Watcher {
  args: string[];
  /** Whether a line of the watcher's output is its report of a finished (re-)check; throws if not clean. */
  report(line: string): { reportedMs?: number } | undefined;
}

/** typemesh's `check --watch`: one JSON report per line. */
const typemeshWatch: Watcher = {
  args: [cli, "check", dir, "--watch", "--format", "json"],
  report(line) {
    const report = JSON.parse(line) as { ok: boolean; diagnostics: unknown[]; durationMs: number };
    if (!report.ok || report.diagnostics.length > 0) throw new Error(`re-check after the edit is not clean: ${line.slice(0, 500)}`);
    return { reportedMs: report.durationMs };
  },
};

/** TypeScript's own `tsc --watch` over the same files: the floor of any re-check that type-checks. */
const tscWatch: Watcher = {
  args: [tsc, "-p", path.join(dir, "tsconfig.json"), "--watch", "--preserveWatchOutput"],
  report(line) {
    const found = /Found (\d+) errors?\. Watching for file changes/.exec(line);
    if (!found) return undefined;
    if (found[1] !== "0") throw new Error(`tsc --watch: ${line}`);
    return {};
  },
};

/** Edits one service file under a watcher and times each write until the watcher's next report. */
async function watchRechecks(watcher: Watcher, name: string): Promise<{ wallMs: number[]; reportedMs: number[]; firstReportMs: number }> {
  const file = path.join(dir, generated.editFile);
  const original = readFileSync(file, "utf8");
  if (original.split(EDIT_SPLIT.before).length !== 2) throw new Error(`${file} does not contain ${EDIT_SPLIT.before} exactly once`);
  const child = spawn(process.execPath, watcher.args, { env: withState, stdio: ["ignore", "pipe", "inherit"] });
  const lines = lineReader(child);
  const nextReport = async (timeoutMs: number) => {
    for (;;) {
      const { line, at } = await lines.next(timeoutMs);
      const report = watcher.report(line);
      if (report) return { ...report, at };
    }
  };
  const wallMs: number[] = [];
  const reportedMs: number[] = [];
  try {
    const started = performance.now();
    const first = await nextReport(remaining());
    const firstReportMs = first.at - started;
    for (let i = 0; i < edits; i++) {
      // A pause between edits, so that each one is a separate change to the watcher.
      await new Promise((resolve) => setTimeout(resolve, 500));
      const text = i % 2 === 0 ? original.replace(EDIT_SPLIT.before, EDIT_SPLIT.after) : original;
      const written = performance.now();
      writeFileSync(file, text);
      const report = await nextReport(Math.min(remaining(), 120_000));
      wallMs.push(report.at - written);
      if (report.reportedMs !== undefined) reportedMs.push(report.reportedMs);
      log(`  ${name} edit ${i + 1}/${edits}: report after ${Math.round(report.at - written)} ms` +
        `${report.reportedMs === undefined ? "" : ` (durationMs ${report.reportedMs})`}`);
    }
    return { wallMs, reportedMs, firstReportMs };
  } finally {
    writeFileSync(file, original);
    child.kill("SIGTERM");
  }
}

log(`watch: ${edits} edits of ${generated.editFile} under \`tsc --watch\`, then under \`typemesh check --watch\``);
const plainWatch = await watchRechecks(tscWatch, "tsc --watch");
const watch = await watchRechecks(typemeshWatch, "check --watch");
rmSync(cacheDir, { recursive: true, force: true });
const loadAfter = loadavg()[0]!;

const wall = (runs: Timed[]) => median(runs.map((r) => r.wallMs));
const cpu = (runs: Timed[]) => (runs.every((r) => r.cpuMs !== undefined) ? median(runs.map((r) => r.cpuMs!)) : undefined);
const figures = {
  services: generated.services,
  reps,
  edits,
  loadAverage: { before: loadBefore, after: loadAfter },
  tsc: { wallMs: wall(samples.tsc), cpuMs: cpu(samples.tsc) },
  check: { wallMs: wall(samples.check), cpuMs: cpu(samples.check), reportedMs: median(samples.checkReportedMs) },
  build: { wallMs: wall(samples.build), cpuMs: cpu(samples.build) },
  coldBuild: { wallMs: wall(samples.coldBuild), cpuMs: cpu(samples.coldBuild) },
  watch: {
    wallMs: median(watch.wallMs), reportedMs: median(watch.reportedMs), firstReportMs: watch.firstReportMs,
    firstEditMs: watch.wallMs[0]!, editsMs: watch.wallMs,
  },
  tscWatch: { wallMs: median(plainWatch.wallMs), firstReportMs: plainWatch.firstReportMs, firstEditMs: plainWatch.wallMs[0]!, editsMs: plainWatch.wallMs },
};
const checkRatio = figures.check.wallMs / figures.tsc.wallMs;
const checkCpuRatio = figures.check.cpuMs !== undefined && figures.tsc.cpuMs ? figures.check.cpuMs / figures.tsc.cpuMs : undefined;
const targets = {
  checkVsTsc: { value: checkRatio, target: 1.5, met: checkRatio <= 1.5 },
  build: { value: figures.build.wallMs, target: 5000, met: figures.build.wallMs <= 5000 },
  watch: { value: figures.watch.wallMs, target: 500, met: figures.watch.wallMs <= 500 },
};

if (values.json) {
  console.log(JSON.stringify({ ...figures, checkCpuRatio, targets }, null, 2));
} else {
  const s = (ms: number | undefined) => (ms === undefined ? "–" : `${(ms / 1000).toFixed(2)} s`);
  const verdict = (met: boolean) => (met ? "met" : "MISSED");
  console.log(`typemesh compile bench — ${generated.services} services, ${reps} repetitions, ${edits} watch edits, medians` +
    ` (load average ${loadBefore.toFixed(1)} → ${loadAfter.toFixed(1)} on ${(await import("node:os")).cpus().length} CPUs)`);
  console.log("| measure | wall | CPU (user+sys) | target | |");
  console.log("|---|---|---|---|---|");
  console.log(`| plain \`tsc --noEmit\` | ${s(figures.tsc.wallMs)} | ${s(figures.tsc.cpuMs)} | | |`);
  console.log(`| cold \`typemesh check\` | ${s(figures.check.wallMs)} (reports ${s(figures.check.reportedMs)}) | ${s(figures.check.cpuMs)} | ≤ 1.5× tsc: ${checkRatio.toFixed(2)}× wall` +
    `${checkCpuRatio === undefined ? "" : `, ${checkCpuRatio.toFixed(2)}× CPU`} | ${verdict(targets.checkVsTsc.met)} |`);
  console.log(`| \`typemesh build\` after the check (its saved type-check state and check record) | ${s(figures.build.wallMs)} | ${s(figures.build.cpuMs)} | ≤ 5 s | ${verdict(targets.build.met)} |`);
  console.log(`| \`typemesh build\` without saved state | ${s(figures.coldBuild.wallMs)} | ${s(figures.coldBuild.cpuMs)} | | |`);
  console.log(`| watch re-check after one edit | ${Math.round(figures.watch.wallMs)} ms (reports ${Math.round(figures.watch.reportedMs)} ms) | | ≤ 500 ms | ${verdict(targets.watch.met)} |`);
  console.log(`| watch: first report after start | ${s(figures.watch.firstReportMs)} | | | |`);
  console.log(`| \`tsc --watch\` re-check after the same edit | ${Math.round(figures.tscWatch.wallMs)} ms | | | |`);
  console.log(`| watch re-check ÷ \`tsc --watch\`'s | ${(figures.watch.wallMs / figures.tscWatch.wallMs).toFixed(2)}× | | | |`);
  console.log(`| first edit after start: typemesh / tsc | ${s(figures.watch.firstEditMs)} / ${s(figures.tscWatch.firstEditMs)} | | | |`);
}
