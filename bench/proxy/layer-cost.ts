// What the resilience layers cost when nothing goes wrong (issue 4, acceptance 3: ≤ 15% of throughput
// against routing alone). bench/resilient is bench/direct's route (path match, header change, timeout)
// with every other layer on and none triggering: retries with a per-try timeout, a mirror and faults
// at 0% (sampled per request, never taken), connection limits far above the load, outlier detection.
// Both are reached through the same caller's outbound listener to the same upstream app; each round
// measures both over the same seconds (slices taken in turn, load.ts), so a busy machine hurts both
// alike, and the cost is the median of the rounds' paired ratios.
import type { RouteIR, ServiceIR } from "../../src/compiler/ir/schema.ts";
import { median } from "../support/stats.ts";
import { saturateInTurn, type Target } from "./load.ts";

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
  /** 1 − the median of the rounds' full / plain ratios: the share of throughput the layers cost. */
  cost: number;
}


export async function layerCost(plain: Target, full: Target, seconds: number, connections: number, rounds: number, progress: (line: string) => void): Promise<LayerCost> {
  const figures = { plain: [] as number[], full: [] as number[] };
  for (let round = 1; round <= rounds; round++) {
    const [p, f] = await saturateInTurn([plain, full], seconds, connections);
    for (const [which, result] of [["routing alone ", p!], ["every layer on", f!]] as const) {
      if (result.errors + result.non2xx > 0) throw new Error(`${which.trim()}: ${result.errors} errors, ${result.non2xx} non-2xx answers: a layer triggered`);
      progress(`round ${round} ${which}: ${Math.round(result.rps)} rps`);
    }
    figures.plain.push(p!.rps);
    figures.full.push(f!.rps);
  }
  return { rounds, ...figures, cost: 1 - median(figures.full.map((full, i) => full / figures.plain[i]!)) };
}

/** The row of the benchmark's target table. */
export function layerCostTarget(cost: LayerCost): string {
  const measured = `${(cost.cost * 100).toFixed(1)}% (median of ${cost.rounds} rounds' paired ratios; medians ${Math.round(median(cost.full))} vs ${Math.round(median(cost.plain))} rps)`;
  return `| every resilience layer on (none triggering) costs ≤ 15% throughput vs routing alone | ${measured} | ${cost.cost <= 0.15 ? "met" : "MISSED"} |`;
}
