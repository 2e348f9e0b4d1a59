// plan: compile the base ref (in a temporary worktree) and the working tree, diff the two MeshIRs and
// assemble the ImpactReport. A side that does not compile is reported with its diagnostics, not thrown.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { diffMeshes, headline } from "../compiler/diff/diff.ts";
import { parseSamples, replay } from "../compiler/diff/replay.ts";
import type { ImpactReport } from "../compiler/diff/report.ts";
import type { MeshIR } from "../compiler/ir/schema.ts";
import { DEFAULT_EVAL_TIMEOUT_MS } from "../compiler/load/evaluate.ts";
import { compileSide, type Side } from "./compile-side.ts";
import { GitOpsError } from "./errors.ts";
import { addWorktree, removeWorktree, repositoryRoot, resolveCommit, uncommittedPaths } from "./git.ts";
import { endpointRisks, fetchLive, withLiveRates } from "./live-traffic.ts";

export interface PlanOptions {
  /** The policies directory of the working tree (head). */
  policiesDir: string;
  base: string;
  controlPlane?: string;
  adminToken?: string;
  /** Newline-delimited recorded requests to replay. */
  samplesFile?: string;
}

const EMPTY_COUNTS = { servicesAdded: 0, servicesRemoved: 0, servicesChanged: 0, routesAdded: 0, routesRemoved: 0, routesChanged: 0 };

export async function runPlan(options: PlanOptions): Promise<ImpactReport> {
  const headDir = path.resolve(options.policiesDir);
  if (!existsSync(headDir)) throw new GitOpsError(`no policies directory ${headDir}`);
  const root = await repositoryRoot(headDir);
  const policiesPath = path.relative(root, headDir).split(path.sep).join("/") || ".";
  const commit = await resolveCommit(root, options.base);
  const samples = options.samplesFile === undefined ? undefined : readSamples(options.samplesFile);

  const dirty = (await uncommittedPaths(root)).some((p) => policiesPath === "." || p.startsWith(`${policiesPath}/`));
  const worktree = await addWorktree(root, commit);
  let base: Side, head: Side;
  try {
    // Base compiles in a worker (started before head's type-check holds this thread) while head
    // compiles here: the two overlap on a multi-core machine.
    // Each side gets four times check's wall-clock budget for evaluating policies: the limit guards
    // against endless loops (check is where they are caught first), and two compiles share the cores,
    // often of a busy CI runner; a TM0005 must not come from plan's own load.
    const evalTimeoutMs = 4 * DEFAULT_EVAL_TIMEOUT_MS;
    const pending = compileSide(path.join(worktree, policiesPath), { ref: options.base, commit }, { allowEmpty: true, inWorker: true, evalTimeoutMs, cache: false });
    pending.catch(() => undefined); // awaited below; not unhandled meanwhile
    head = await compileSide(headDir, { ref: dirty ? "working tree (uncommitted changes)" : "working tree" }, { evalTimeoutMs });
    base = await pending;
  } finally {
    await removeWorktree(root, worktree);
  }

  return buildReport(policiesPath, base, head, { ...options, ...(samples && { samples }) });
}

export interface BuildOptions { controlPlane?: string; adminToken?: string; samples?: ReturnType<typeof parseSamples> }

/** The report from two compiled sides: the pure part of plan, also what the golden tests run. */
export async function buildReport(policiesPath: string, base: Side, head: Side, options: BuildOptions = {}): Promise<ImpactReport> {
  const sides = { policiesPath, base: base.report, head: head.report };
  if (!head.ir || (!base.ir && !base.empty)) {
    const which = !head.ir && !base.ir && !base.empty ? "Neither base nor head compiles" : !head.ir ? "Head does not compile" : `Base ${base.report.ref} does not compile`;
    return {
      schemaVersion: 1, verdict: "error", ...sides,
      headline: `${which}: no diff. ${!head.ir ? "Fix head's errors below." : "Head compiles; its diagnostics are below."}`,
      counts: EMPTY_COUNTS, risks: [], mesh: [], services: [], authz: { callers: [], services: [], cells: [] },
      blastRadius: [], liveTraffic: { status: "not-requested" }, emitLimits: [],
    };
  }
  const baseIR: MeshIR = base.ir ?? { apiVersion: head.ir.apiVersion, mesh: head.ir.mesh, services: [] };
  const diff = diffMeshes(baseIR, head.ir);
  const report: ImpactReport = { schemaVersion: 1, ...sides, ...diff, liveTraffic: { status: "not-requested" } };

  if (options.controlPlane) {
    try {
      const live = await fetchLive(options.controlPlane, options.adminToken);
      report.blastRadius = withLiveRates(report.blastRadius, baseIR, head.ir, live);
      report.risks = [...report.risks, ...endpointRisks(baseIR, head.ir, live)];
      report.liveTraffic = { source: options.controlPlane, status: "ok" };
      if (report.verdict === "change") report.headline = headline(report.counts, report.mesh.length, report.risks.length);
    } catch (error) {
      report.liveTraffic = { source: options.controlPlane, status: "unreachable", error: (error as Error).message };
    }
  }
  if (options.samples) report.replay = replay(baseIR, head.ir, options.samples.requests, options.samples.unreadable);
  return report;
}

function readSamples(file: string) {
  try {
    return parseSamples(readFileSync(file, "utf8"));
  } catch (error) {
    throw new GitOpsError(`cannot read samples ${file}: ${(error as Error).message}`);
  }
}

export { compileSide, type Side };
