// A rollout's result for GitHub: a commit status (success when promoted, failure when rolled back) and
// a sticky comment on the merged PR with each step's gate figures. Pure rendering here; posting in
// src/cli/rollout.ts.
import type { Rollout } from "../runtime/control-plane/rollouts/rollout.ts";
import type { CommitStatus } from "./github/commit-status.ts";

export const rolloutMarker = (service: string) => `<!-- typemesh:rollout:${service} -->`;

export function rolloutStatus(r: Rollout): CommitStatus {
  const context = `typemesh/rollout ${r.service}`;
  switch (r.phase) {
    case "promoted": return { state: "success", context, description: `${r.to} promoted through ${r.steps.join("/")}%` };
    case "rolled-back": return { state: "failure", context, description: `rolled back to ${r.from}: ${r.reason ?? "a gate failed"}` };
    case "aborted": return { state: "error", context, description: `aborted at ${r.weight}%: ${r.reason ?? ""}` };
    default: return { state: "pending", context, description: `${r.phase} at ${r.weight}% (step ${r.stepIndex + 1}/${r.steps.length})` };
  }
}

const HEADLINE: Record<Rollout["phase"], string> = {
  promoted: "✅ promoted", "rolled-back": "⛔ rolled back", aborted: "⚠️ aborted", progressing: "⏳ in progress", paused: "⏸️ paused",
};

export function rolloutComment(r: Rollout): string {
  const gates = [
    r.gates.minSuccessRate !== undefined && `success rate ≥ ${r.gates.minSuccessRate}%`,
    r.gates.maxP99Ms !== undefined && `p99 ≤ ${r.gates.maxP99Ms} ms`,
    `≥ ${r.gates.minRequests} requests a step`,
  ].filter(Boolean).join(", ");
  const rows = r.checks.map((c) => `| ${c.step + 1} | ${c.weight}% | ${c.requests} | ${c.successRate ?? "–"}% | ${c.p99Ms ?? "–"} ms | ${c.outcome}${c.reasons.length ? `: ${c.reasons.join("; ")}` : ""} |`);
  return [
    rolloutMarker(r.service),
    `### Rollout of \`${r.service}\` ${r.from} → ${r.to}: ${HEADLINE[r.phase]}`,
    "",
    r.reason ? `> ${r.reason}` : "",
    "",
    `Steps ${r.steps.join(" → ")}%, ${r.intervalMs / 1000} s each; gates: ${gates}. Now ${r.weight}% to ${r.to}.`,
    "",
    "| step | weight | requests | success | p99 | check |",
    "|---|---|---|---|---|---|",
    ...(rows.length ? rows.slice(-60) : ["| – | – | – | – | – | no check yet |"]),
    "",
    `<sub>typemesh rollout ${r.id}, bundle ${r.bundleVersion}</sub>`,
  ].join("\n");
}
