// What a declared rollout means in full: its stable version and its weight steps, derived the same way
// for the check rule (which explains a missing piece) and the lowering (which relies on them).
import { destinationsOf } from "./context.ts";
import type { RolloutSpecData, ServiceSpecData } from "./spec-shape.ts";

/** `from`, or else the one version the routes send to other than `to`. */
export function stableVersionOf(spec: ServiceSpecData, rollout: RolloutSpecData): string | undefined {
  if (rollout.from !== undefined) return rollout.from;
  const routes = spec.routes ?? [];
  const named = routes.length > 0
    ? new Set(routes.flatMap((r) => destinationsOf(r).map(([v]) => v)))
    : new Set(Object.keys(spec.versions));
  named.delete(rollout.to);
  return named.size === 1 ? [...named][0] : undefined;
}

/** The weight steps: as given, or stepWeight up to maxWeight and then 100. */
export function stepsOf(rollout: RolloutSpecData): number[] {
  if (rollout.steps) return [...rollout.steps];
  const step = rollout.stepWeight ?? 10;
  const max = Math.min(rollout.maxWeight ?? 50, 100);
  const steps: number[] = [];
  for (let w = step; w <= max && step > 0 && steps.length < 100; w += step) steps.push(w);
  if (steps.at(-1) !== 100) steps.push(100);
  return steps;
}
