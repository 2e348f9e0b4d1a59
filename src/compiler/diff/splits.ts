// Split percentages before → after: the change a canary moves forward or back.
import type { RouteIR } from "../ir/schema.ts";
import { describeDestinations } from "./describe.ts";
import type { Change } from "./report.ts";

/** Per-version weight change, in percentage points: positive means more traffic to that version. */
export function weightShift(before: RouteIR, after: RouteIR): Map<string, number> {
  const shift = new Map<string, number>();
  for (const d of before.destinations) shift.set(d.version, -d.weight);
  for (const d of after.destinations) shift.set(d.version, (shift.get(d.version) ?? 0) + d.weight);
  for (const [version, delta] of shift) if (Math.abs(delta) < 1e-9) shift.delete(version);
  return shift;
}

export function diffSplit(before: RouteIR, after: RouteIR): Change[] {
  const shift = weightShift(before, after);
  if (shift.size === 0) return [];
  const gains = [...shift].filter(([, d]) => d > 0).map(([v, d]) => `+${round(d)} points to ${v}`);
  return [{
    kind: "split", route: after.name, location: after.source,
    summary: `split ${describeDestinations(before)} → ${describeDestinations(after)}${gains.length ? ` (${gains.join(", ")})` : ""}`,
  }];
}

const round = (n: number) => Math.round(n * 1000) / 1000;
