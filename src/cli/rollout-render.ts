// How `typemesh rollout` shows a rollout: a few lines redrawn in place on a terminal, one line per
// change in CI logs. Pure: a Rollout in, text out.
import type { Palette } from "../compiler/diagnostics/palette.ts";
import type { GateCheck, Rollout } from "../runtime/control-plane/rollouts/rollout.ts";

function gates(r: Rollout, check: GateCheck | undefined): string {
  const parts = [`requests ${check?.requests ?? 0}${r.gates.minRequests ? ` (≥ ${r.gates.minRequests})` : ""}`];
  if (r.gates.minSuccessRate !== undefined) parts.push(`success ${check?.successRate ?? "–"}% (≥ ${r.gates.minSuccessRate}%)`);
  if (r.gates.maxP99Ms !== undefined) parts.push(`p99 ${check?.p99Ms ?? "–"} ms (≤ ${r.gates.maxP99Ms} ms)`);
  return parts.join("  ");
}

export function renderRollout(r: Rollout, p: Palette, now = Date.now()): string[] {
  const phase = r.phase === "promoted" ? p.green(r.phase) : r.phase === "rolled-back" || r.phase === "aborted" ? p.red(r.phase) : r.phase === "paused" ? p.yellow(r.phase) : p.cyan(r.phase);
  const width = 30;
  const filled = Math.round((r.weight / 100) * width);
  const due = r.nextCheckAt ? Date.parse(r.nextCheckAt) : Date.parse(r.stepStartedAt) + r.intervalMs;
  const nextIn = r.phase === "progressing" ? Math.max(0, Math.ceil((due - now) / 1000)) : undefined;
  const check = r.checks.at(-1);
  return [
    `rollout ${p.bold(r.service)} ${r.from} → ${r.to}   ${phase}   step ${r.stepIndex + 1}/${r.steps.length} (${r.steps.join("/")}%)`,
    `  ${"█".repeat(filled)}${"░".repeat(width - filled)} ${String(r.weight).padStart(3)}% to ${r.to}${nextIn !== undefined ? `   next check in ${nextIn}s` : ""}`,
    `  ${check ? `last check: ${check.outcome}  ` : "no check yet  "}${gates(r, check)}`,
    ...(r.reason ? [`  ${r.phase === "rolled-back" ? p.red(r.reason) : r.reason}`] : []),
  ];
}

/** One log line for CI: what changed since the last line. */
export function rolloutLine(r: Rollout): string {
  const check = r.checks.at(-1);
  return `${new Date().toISOString()} ${r.service} ${r.phase} step ${r.stepIndex + 1}/${r.steps.length} weight ${r.weight}%` +
    (check ? ` | ${check.outcome}: ${gates(r, check)}` : "") + (r.reason ? ` | ${r.reason}` : "");
}
