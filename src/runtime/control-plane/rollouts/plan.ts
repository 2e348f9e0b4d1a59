// Turns a rollout request (from the CLI or the API) and the service's declared rollout into a full
// plan: what the request gives wins, then the policy, then defaults.
import type { MeshIR, ServiceIR } from "../../../compiler/ir/schema.ts";
import { findService } from "../../../compiler/simulate/simulate.ts";
import { parseDuration } from "../../../compiler/units.ts";
import type { RolloutPlan } from "./rollout.ts";
import { stepsOf } from "../../../compiler/check/rollout-plan.ts";
import type { RolloutSpecData } from "../../../compiler/check/spec-shape.ts";

export interface RolloutRequest {
  service: string;
  to?: string;
  from?: string;
  steps?: number[];
  /** Instead of steps: add stepWeight each step up to maxWeight, then 100. */
  stepWeight?: number;
  maxWeight?: number;
  interval?: string;
  gates?: { minSuccessRate?: number; maxP99?: string; minRequests?: number };
  failureThreshold?: number;
  canaryHeader?: { name: string; value: string };
}

const DEFAULTS = { steps: [10, 25, 50, 100], intervalMs: 30_000, minSuccessRate: 99, minRequests: 20 };

function stableOf(service: ServiceIR, to: string): string | undefined {
  const named = new Set(service.routes.length > 0 ? service.routes.flatMap((r) => r.destinations.map((d) => d.version)) : service.versions.map((v) => v.name));
  named.delete(to);
  return named.size === 1 ? [...named][0] : undefined;
}

export function planRollout(ir: MeshIR, request: RolloutRequest): RolloutPlan | { error: string } {
  const service = findService(ir, request.service);
  if (!service) return { error: `no service ${request.service} in the bundle in force` };
  const declared = service.rollout;
  const to = request.to ?? declared?.to;
  if (!to) return { error: `${service.id} declares no rollout: say which version to roll out (--to)` };
  const from = request.from ?? (declared && declared.to === to ? declared.from : undefined) ?? stableOf(service, to);
  if (!from) return { error: `cannot tell which version of ${service.id} traffic moves from: say it (--from)` };
  const stepped = request.stepWeight !== undefined ? stepsOf({ stepWeight: request.stepWeight, ...(request.maxWeight !== undefined && { maxWeight: request.maxWeight }) } as RolloutSpecData) : undefined;
  const steps = request.steps ?? stepped ?? declared?.steps ?? DEFAULTS.steps;
  if (steps.length === 0 || steps.at(-1) !== 100 || steps.some((w, i) => !(w > 0 && w <= 100) || (i > 0 && w <= steps[i - 1]!))) {
    return { error: `steps ${JSON.stringify(steps)} must rise from above 0 and end at 100` };
  }
  const intervalMs = request.interval !== undefined ? parseDuration(request.interval) : declared?.intervalMs ?? DEFAULTS.intervalMs;
  if (!intervalMs) return { error: `invalid interval ${JSON.stringify(request.interval)}` };
  const maxP99Ms = request.gates?.maxP99 !== undefined ? parseDuration(request.gates.maxP99) : declared?.gates.maxP99Ms;
  if (request.gates?.maxP99 !== undefined && !maxP99Ms) return { error: `invalid maxP99 ${JSON.stringify(request.gates.maxP99)}` };
  const minSuccessRate = request.gates?.minSuccessRate ?? declared?.gates.minSuccessRate ?? (maxP99Ms === undefined ? DEFAULTS.minSuccessRate : undefined);
  const canaryHeader = request.canaryHeader ?? declared?.canaryHeader;
  return {
    service: service.id, from, to, steps, intervalMs,
    gates: {
      ...(minSuccessRate !== undefined && { minSuccessRate }),
      ...(maxP99Ms !== undefined && { maxP99Ms }),
      minRequests: request.gates?.minRequests ?? declared?.gates.minRequests ?? DEFAULTS.minRequests,
    },
    failureThreshold: request.failureThreshold ?? declared?.failureThreshold ?? 0,
    ...(canaryHeader && { canaryHeader: { name: canaryHeader.name.toLowerCase(), value: canaryHeader.value } }),
  };
}
