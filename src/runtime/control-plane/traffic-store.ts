// Live traffic as the proxies report it: the last few minutes of each proxy's cumulative counters, so
// that any window's rate, success rate and latency per edge is a difference of two samples. Counters
// that go down (a restarted proxy) count from zero again, as Prometheus' rate() does.
import { LATENCY_BUCKETS_MS, quantileOf, type StatsFrame, type TrafficSeries } from "../protocol/traffic.ts";

interface Sample {
  at: number;
  series: Map<string, TrafficSeries>;
}

export interface EdgeTraffic {
  reporter: "source" | "destination";
  source: string;
  destination: string;
  version: string;
  requests: number;
  /** Requests per second over the window. */
  rps: number;
  /** Share of responses that were not 5xx (and not dropped), 0–1; undefined without requests. */
  successRate?: number;
  p50Ms?: number;
  p95Ms?: number;
  p99Ms?: number;
  byCode: Record<string, number>;
}

const KEEP_MS = 10 * 60_000;

const keyOf = (s: TrafficSeries) => `${s.reporter}|${s.source}|${s.destination}|${s.version}|${s.code}`;

export class TrafficStore {
  private readonly samples = new Map<string, Sample[]>();

  constructor(private readonly now: () => number = Date.now) {}

  ingest(proxyId: string, frame: StatsFrame): void {
    const list = this.samples.get(proxyId) ?? [];
    // Arrival time, not the proxy's clock: windows are the control plane's.
    list.push({ at: this.now(), series: new Map(frame.series.map((s) => [keyOf(s), s])) });
    while (list.length > 2 && list[0]!.at < this.now() - KEEP_MS) list.shift();
    this.samples.set(proxyId, list);
  }

  forget(proxyId: string): void {
    this.samples.delete(proxyId);
  }

  /** One version of a destination over the last `windowMs`, all callers together (callers' view). */
  versionFigures(destination: string, version: string, windowMs: number): { requests: number; successRate?: number; p99Ms?: number } {
    const edges = this.edges(windowMs, "source", destination, version);
    return edges[0] ? { requests: edges[0].requests, ...(edges[0].successRate !== undefined && { successRate: edges[0].successRate }), ...(edges[0].p99Ms !== undefined && { p99Ms: edges[0].p99Ms }) } : { requests: 0 };
  }

  /** Traffic per edge over the last `windowMs`, from the given reporter's side. */
  edges(windowMs: number, reporter: "source" | "destination" = "source", destination?: string, version?: string): EdgeTraffic[] {
    // With a destination and version, all callers merge into one edge (source "*").
    const since = this.now() - windowMs;
    const edges = new Map<string, EdgeTraffic & { buckets: number[] }>();
    for (const list of this.samples.values()) {
      const latest = list.at(-1);
      if (!latest || list.length < 2) continue; // one sample gives no rate yet
      // The newest sample at or before the window's start; for a proxy younger than the window, its first.
      const base = [...list].reverse().find((s) => s.at <= since) ?? list[0]!;
      for (const [key, series] of latest.series) {
        if (series.reporter !== reporter) continue;
        if (destination !== undefined && (series.destination !== destination || series.version !== version)) continue;
        const before = base?.series.get(key);
        const reset = before !== undefined && before.count > series.count;
        const count = series.count - (before && !reset ? before.count : 0);
        if (count <= 0) continue;
        const source = destination !== undefined ? "*" : series.source;
        const edgeKey = `${source}|${series.destination}|${series.version}`;
        let edge = edges.get(edgeKey);
        if (!edge) {
          edge = { reporter, source, destination: series.destination, version: series.version, requests: 0, rps: 0, byCode: {}, buckets: new Array<number>(LATENCY_BUCKETS_MS.length + 1).fill(0) };
          edges.set(edgeKey, edge);
        }
        edge.requests += count;
        edge.byCode[series.code] = (edge.byCode[series.code] ?? 0) + count;
        series.buckets.forEach((n, i) => { edge!.buckets[i]! += n - (before && !reset ? before.buckets[i] ?? 0 : 0); });
      }
    }
    const seconds = windowMs / 1000;
    return [...edges.values()].map(({ buckets, ...edge }) => {
      const failed = Object.entries(edge.byCode).filter(([code]) => Number(code) >= 500 || Number(code) === 0).reduce((a, [, n]) => a + n, 0);
      const p50 = quantileOf(buckets, 0.5);
      const p95 = quantileOf(buckets, 0.95);
      const p99 = quantileOf(buckets, 0.99);
      return {
        ...edge, rps: edge.requests / seconds,
        ...(edge.requests > 0 && { successRate: 1 - failed / edge.requests }),
        ...(p50 !== undefined && { p50Ms: p50 }), ...(p95 !== undefined && { p95Ms: p95 }), ...(p99 !== undefined && { p99Ms: p99 }),
      };
    }).sort((a, b) => a.source.localeCompare(b.source) || a.destination.localeCompare(b.destination) || a.version.localeCompare(b.version));
  }
}
