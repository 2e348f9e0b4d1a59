// Timeouts and retry budgets, with the worst-case latency a caller may see before → after: a raised
// timeout or a new retry multiplies how long callers (and their threads) can be held.
import type { RouteIR } from "../ir/schema.ts";
import { formatDuration } from "../units.ts";
import { describeRetries, describeWorstCase } from "./describe.ts";
import type { Change } from "./report.ts";

const timeout = (r: RouteIR) => (r.timeoutMs === undefined ? "none" : formatDuration(r.timeoutMs));

export function diffResilience(before: RouteIR, after: RouteIR): Change[] {
  const changes: Change[] = [];
  const worst = `worst case ${describeWorstCase(before)} → ${describeWorstCase(after)}`;
  const worstChanged = describeWorstCase(before) !== describeWorstCase(after);
  if (before.timeoutMs !== after.timeoutMs) {
    changes.push({ kind: "timeout", route: after.name, location: after.source, summary: `timeout ${timeout(before)} → ${timeout(after)}${worstChanged ? ` (${worst})` : ""}` });
  }
  if (JSON.stringify(before.retries ?? null) !== JSON.stringify(after.retries ?? null)) {
    const showWorst = worstChanged && before.timeoutMs === after.timeoutMs;
    changes.push({
      kind: "retries", route: after.name, location: after.source,
      summary: `retries ${describeRetries(before.retries)} → ${describeRetries(after.retries)}${backoff(before, after)}${showWorst ? ` (${worst})` : ""}`,
    });
  }
  return changes;
}

function backoff(before: RouteIR, after: RouteIR): string {
  const b = before.retries?.backoff, a = after.retries?.backoff;
  if (!a || !b || (a.baseMs === b.baseMs && a.maxMs === b.maxMs)) return "";
  return `; backoff ${formatDuration(b.baseMs)}–${formatDuration(b.maxMs)} → ${formatDuration(a.baseMs)}–${formatDuration(a.maxMs)}`;
}
