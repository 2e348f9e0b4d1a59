// Traffic figures proxies report to the control plane over the config stream (a `stats` frame every
// few seconds): cumulative counters per edge, so a lost frame loses nothing and rates are deltas.
// Rollout gates, the dashboard and plan's blast radius read them from the control plane.

/** Upper bounds (ms) of the latency buckets, Istio's defaults; the last bucket is +Inf. */
export const LATENCY_BUCKETS_MS = [0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000];

export interface TrafficSeries {
  /** "source": seen by the caller's outbound proxy; "destination": by the callee's inbound proxy. */
  reporter: "source" | "destination";
  source: string;
  destination: string;
  version: string;
  /** HTTP status, or 0 when the client went away. */
  code: number;
  count: number;
  sumMs: number;
  /** Counts per bucket of LATENCY_BUCKETS_MS, plus one for +Inf (not cumulative). */
  buckets: number[];
}

export interface StatsFrame {
  type: "stats";
  /** Milliseconds since the epoch, at the proxy. */
  at: number;
  series: TrafficSeries[];
}

/** Index of the bucket a duration falls in. */
export function bucketOf(durationMs: number): number {
  const i = LATENCY_BUCKETS_MS.findIndex((upper) => durationMs <= upper);
  return i < 0 ? LATENCY_BUCKETS_MS.length : i;
}

/** The q-quantile (0–1) of bucketed counts, interpolated within the bucket as Prometheus does. */
export function quantileOf(buckets: readonly number[], q: number): number | undefined {
  const total = buckets.reduce((a, b) => a + b, 0);
  if (total === 0) return undefined;
  const rank = q * total;
  let seen = 0;
  for (let i = 0; i < buckets.length; i++) {
    const count = buckets[i]!;
    if (seen + count >= rank && count > 0) {
      const lower = i === 0 ? 0 : LATENCY_BUCKETS_MS[i - 1]!;
      const upper = LATENCY_BUCKETS_MS[i] ?? LATENCY_BUCKETS_MS.at(-1)!;
      return lower + (upper - lower) * ((rank - seen) / count);
    }
    seen += count;
  }
  return LATENCY_BUCKETS_MS.at(-1);
}
