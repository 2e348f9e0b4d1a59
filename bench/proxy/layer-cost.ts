// What the resilience layers cost when nothing goes wrong (issue 4, acceptance 3: ≤ 15% of throughput
// against routing alone). bench/resilient is bench/direct's route (path match, header change, timeout)
// with every other layer on and none triggering: retries with a per-try timeout, a mirror and faults
// at 0% (sampled per request, never taken), connection limits far above the load, outlier detection.
// Both are reached through the same caller's outbound listener to the same upstream app; their
// saturation throughput is measured in alternating rounds so a busy machine hurts both alike, and the
// medians are compared.
import type { RouteIR, ServiceIR } from "../../src/compiler/ir/schema.ts";
import { saturate, type Target } from "./load.ts";

/** bench/resilient: `base`'s route with every resilience layer enabled and none triggering. */
export function resilientService(base: ServiceIR): ServiceIR {
  const route: RouteIR = {
    ...base.routes[0]!,
    name: "api-resilient",
    retries: {
      attempts: 2, perTryTimeoutMs: 2000, retryOn: ["5xx", "reset", "connect-failure"], retryOnStatus: [],
      backoff: { baseMs: 25, maxMs: 250 }, retryNonIdempotent: false,
    },
    fault: { delay: { fixedMs: 100, percent: 0 }, abort: { status: 503, percent: 0 } },
    mirror: { service: base.id, percent: 0 },
  };
  return {
    ...base,
    id: `${base.namespace}/resilient`, name: "resilient", identity: base.identity.replace(/[^/]+$/, "resilient"),
    routes: [route],
    connectionLimits: { maxConnections: 10_000, maxPendingRequests: 10_000, maxRequests: 10_000 },
    outlierDetection: { consecutive5xx: 5, intervalMs: 10_000, baseEjectionTimeMs: 30_000, maxEjectionPercent: 50 },
  };
}

export interface LayerCost {
  rounds: number;
  plain: number[];
  full: number[];
  /** 1 − median(full) / median(plain): the share of throughput the layers cost. */
  cost: number;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export async function layerCost(plain: Target, full: Target, seconds: number, connections: number, rounds: number, progress: (line: string) => void): Promise<LayerCost> {
  const figures = { plain: [] as number[], full: [] as number[] };
  for (let round = 1; round <= rounds; round++) {
    // Alternate which goes first, so neither always follows the other's warm-up.
    const order = round % 2 ? (["plain", "full"] as const) : (["full", "plain"] as const);
    for (const which of order) {
      const result = await saturate(which === "plain" ? plain : full, seconds, connections);
      if (result.errors + result.non2xx > 0) throw new Error(`${which}: ${result.errors} errors, ${result.non2xx} non-2xx answers: a layer triggered`);
      figures[which].push(result.rps);
      progress(`round ${round} ${which === "plain" ? "routing alone " : "every layer on"}: ${Math.round(result.rps)} rps`);
    }
  }
  return { rounds, ...figures, cost: 1 - median(figures.full) / median(figures.plain) };
}

/** The row of the benchmark's target table. */
export function layerCostTarget(cost: LayerCost): string {
  const measured = `${(cost.cost * 100).toFixed(1)}% (medians of ${cost.rounds} alternating rounds: ${Math.round(median(cost.full))} vs ${Math.round(median(cost.plain))} rps)`;
  return `| every resilience layer on (none triggering) costs ≤ 15% throughput vs routing alone | ${measured} | ${cost.cost <= 0.15 ? "met" : "MISSED"} |`;
}
