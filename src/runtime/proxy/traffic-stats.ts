// Cumulative per-edge counters kept beside the Prometheus metrics, in the compact form the control
// plane wants (protocol/traffic.ts). Recording is one map lookup and three increments.
import { bucketOf, LATENCY_BUCKETS_MS, type TrafficSeries } from "../protocol/traffic.ts";

export class TrafficStats {
  private readonly series = new Map<string, TrafficSeries>();

  record(reporter: "source" | "destination", source: string, destination: string, version: string, code: number, durationMs: number): void {
    const key = `${reporter}|${source}|${destination}|${version}|${code}`;
    let entry = this.series.get(key);
    if (!entry) {
      entry = { reporter, source, destination, version, code, count: 0, sumMs: 0, buckets: new Array<number>(LATENCY_BUCKETS_MS.length + 1).fill(0) };
      this.series.set(key, entry);
    }
    entry.count++;
    entry.sumMs += durationMs;
    entry.buckets[bucketOf(durationMs)]!++;
  }

  snapshot(): TrafficSeries[] {
    return [...this.series.values()].map((s) => ({ ...s, buckets: [...s.buckets] }));
  }
}
