// Rollouts: each rollout's steps, the weight in force, and the gate figures of its last checks against
// the thresholds. Reads the control plane's rollout state (GET /api/rollouts, in the live feed); a
// control plane without rollouts sends null and the panel says so.
import type { GateCheck } from "../../../control-plane/rollouts/rollout.ts";
import type { RolloutSummary } from "../../live-state.ts";
import { h, type Child } from "../dom.ts";
import { ago, formatDuration, until } from "../format.ts";
import type { AppState } from "../state.ts";

const PHASE_KIND: Record<RolloutSummary["phase"], string> = { progressing: "info", paused: "warn", promoted: "ok", "rolled-back": "bad", aborted: "warn" };

function steps(r: RolloutSummary): Child {
  return h("ol", { class: "steps", "aria-label": "Steps" }, r.steps.map((weight, i) => {
    const status = r.phase === "promoted" || i < r.stepIndex ? "done" : i === r.stepIndex ? (r.phase === "rolled-back" ? "failed" : "current") : "pending";
    return h("li", { class: `step step--${status}`, "aria-current": status === "current" ? "step" : undefined }, `${weight}%`);
  }));
}

function gates(r: RolloutSummary): Child {
  const last = [...r.checks].reverse().find((c) => c.outcome !== "insufficient-traffic") ?? r.checks.at(-1);
  const row = (gate: string, threshold: string, measured: string, ok: boolean | undefined) => h("tr", {},
    h("th", { scope: "row" }, gate), h("td", { class: "num" }, threshold), h("td", { class: "num" }, measured),
    h("td", {}, ok === undefined ? h("span", { class: "muted" }, "–") : h("span", { class: `badge badge--${ok ? "ok" : "bad"}` }, ok ? "pass" : "fail")));
  const { minSuccessRate, maxP99Ms, minRequests } = r.gates;
  return h("table", { class: "data gates" },
    h("caption", {}, last ? `Gates, as last measured ${last.outcome === "insufficient-traffic" ? "(too little traffic to judge)" : `at step ${last.step + 1}`}` : "Gates (not measured yet)"),
    h("thead", {}, h("tr", {}, ["Gate", "Threshold", "Measured", ""].map((c) => h("th", { scope: "col" }, c)))),
    h("tbody", {},
      minSuccessRate !== undefined ? row("Success rate", `≥ ${minSuccessRate}%`, last?.successRate !== undefined ? `${last.successRate}%` : "–", last?.successRate === undefined ? undefined : last.successRate >= minSuccessRate) : null,
      maxP99Ms !== undefined ? row("p99 latency", `≤ ${maxP99Ms} ms`, last?.p99Ms !== undefined ? `${last.p99Ms} ms` : "–", last?.p99Ms === undefined ? undefined : last.p99Ms <= maxP99Ms) : null,
      row("Requests per step", `≥ ${minRequests}`, last ? String(last.requests) : "–", last ? last.requests >= minRequests : undefined)));
}

function check(c: GateCheck, now: number): Child {
  const kind = c.outcome === "passed" ? "ok" : c.outcome === "failed" ? "bad" : "warn";
  return h("li", {}, h("span", { class: `badge badge--${kind}` }, c.outcome), ` ${ago(c.at, now)}, step ${c.step + 1} at ${c.weight}%: ${c.requests} requests`,
    c.successRate !== undefined ? `, ${c.successRate}% ok` : "", c.p99Ms !== undefined ? `, p99 ${c.p99Ms} ms` : "",
    c.reasons.length ? h("span", { class: "muted" }, ` (${c.reasons.join("; ")})`) : null);
}

function card(r: RolloutSummary, now: number): Child {
  const nextCheck = new Date(Date.parse(r.stepStartedAt) + r.intervalMs).toISOString();
  return h("article", { class: `card rollout rollout--${r.phase}`, "data-rollout": r.service, "aria-labelledby": `rollout-${r.id}` },
    h("header", { class: "card-head" },
      h("h2", { id: `rollout-${r.id}` }, `${r.service}: ${r.from} → ${r.to}`),
      h("span", { class: `badge badge--${PHASE_KIND[r.phase]}` }, r.phase)),
    h("div", { class: "rollout-body" },
      h("div", { class: "weight" }, h("span", { class: "tile-figure" }, `${r.weight}%`), ` of traffic to ${r.to}`),
      steps(r),
      h("p", { class: "muted" },
        `Started ${ago(r.startedAt, now)} on bundle ${r.bundleVersion}; each step holds ${formatDuration(r.intervalMs)}`,
        r.phase === "progressing" ? `, next check ${until(nextCheck, now)}` : "",
        r.failureThreshold ? `; rolls back after ${r.failureThreshold + 1} failed checks` : "; rolls back on the first failed check",
        r.canaryHeader ? `; header ${r.canaryHeader.name}: ${r.canaryHeader.value} always reaches ${r.to}` : ""),
      r.reason ? h("p", { class: `banner banner--${PHASE_KIND[r.phase]}` }, r.reason) : null,
      gates(r),
      r.checks.length ? h("details", { open: r.phase === "progressing" || r.phase === "paused" },
        h("summary", {}, `Last ${r.checks.length} checks`),
        h("ul", { class: "checks" }, [...r.checks].reverse().map((c) => check(c, now)))) : null));
}

export function rolloutsView(state: AppState, now: number): Child[] {
  const head = h("header", { class: "view-head" },
    h("h1", {}, "Rollouts"),
    h("p", { class: "sub" }, "Progressive delivery run by the control plane: weight steps, each judged on the new version's live success rate and latency."));
  const rollouts = state.live!.rollouts;
  if (rollouts === null) return [head, h("p", { class: "empty" }, "This control plane does not run rollouts.")];
  if (rollouts.length === 0) return [head, h("p", { class: "empty" }, "No rollouts yet. Start one with typemesh rollout start --service <name>, or POST /api/rollouts.")];
  return [head, ...rollouts.map((r) => card(r, now))];
}
