// Every request a proxy handles, counted once: per label set (Istio's labels), how many, their total
// duration and how many fell in each of Istio's duration buckets. Two readers share these counts: the
// Prometheus registry renders typemesh_requests_total and the duration histogram from them when
// scraped, and the control plane's stats frames sum them per edge (protocol/traffic.ts).
//
// Istio names its histogram istio_request_duration_milliseconds; Prometheus' base unit for time is the
// second, and `promtool check metrics` refuses anything else, so this one is
// typemesh_request_duration_seconds, with Istio's bucket bounds in seconds.
//
// prom-client's own Counter and Histogram hash the label object on every inc() and observe(), even
// through labels(): with the traffic stats' own map, three lookups per request. Here it is one walk.
import type { Registry } from "prom-client";
import { bucketOf, LATENCY_BUCKETS_MS, type TrafficSeries } from "../protocol/traffic.ts";

const REQUEST_LABELS = [
  "reporter", "source_workload", "source_version", "destination_service", "destination_version",
  "response_code", "response_flags", "connection_security_policy",
] as const;

export type RequestLabels = Record<(typeof REQUEST_LABELS)[number], string>;

interface Series {
  labels: RequestLabels;
  count: number;
  sumMs: number;
  /** Counts per bucket of LATENCY_BUCKETS_MS, plus one for +Inf (not cumulative). */
  buckets: number[];
}

interface MetricValue {
  labels: Record<string, string | number>;
  value: number;
  metricName?: string;
}

/** The shape prom-client's Registry renders (what its own metrics' get() returns). */
interface CollectedMetric {
  name: string;
  help: string;
  type: "counter" | "histogram";
  aggregator: "sum";
  values: MetricValue[];
}

/** Series by their label values, one level per label in REQUEST_LABELS' order; the last level holds the series. */
type Level = Map<string, Level | Series>;

const LAST = REQUEST_LABELS.length - 1;

export class RequestSeries {
  private readonly series: Series[] = [];
  // Looked up one label at a time rather than by one key string joined from all eight: that string was
  // built, flattened, hashed and compared on every request (about a microsecond of the proxy's CPU),
  // where the values here are mostly constants whose hashes V8 keeps.
  private readonly index: Level = new Map();

  record(labels: RequestLabels, durationMs: number): void {
    let level = this.index;
    for (let i = 0; i < LAST; i++) {
      const value = labels[REQUEST_LABELS[i]!];
      let next = level.get(value) as Level | undefined;
      if (!next) level.set(value, (next = new Map()));
      level = next;
    }
    const last = labels[REQUEST_LABELS[LAST]!];
    let entry = level.get(last) as Series | undefined;
    if (!entry) {
      // The caller reuses its label object for the next request's finish: keep a copy.
      entry = { labels: { ...labels }, count: 0, sumMs: 0, buckets: new Array<number>(LATENCY_BUCKETS_MS.length + 1).fill(0) };
      level.set(last, entry);
      this.series.push(entry);
    }
    entry.count++;
    entry.sumMs += durationMs;
    entry.buckets[bucketOf(durationMs)]!++;
  }

  /** Registers typemesh_requests_total and typemesh_request_duration_seconds, read from these counts. */
  register(registry: Registry): void {
    const metric = (name: string, help: string, type: CollectedMetric["type"], values: () => MetricValue[]) => {
      const collected = (): CollectedMetric => ({ name, help, type, aggregator: "sum", values: values() });
      return { name, help, type, aggregator: "sum", get: async () => collected(), reset: () => {} };
    };
    registry.registerMetric(metric("typemesh_requests_total", "Requests handled by the proxy, by outcome.", "counter",
      () => this.series.map((s) => ({ labels: s.labels, value: s.count }))) as never);
    registry.registerMetric(metric("typemesh_request_duration_seconds", "Time from request received to response complete.", "histogram",
      () => this.series.flatMap((s) => histogramLines("typemesh_request_duration_seconds", s))) as never);
  }

  /** The same counts summed per edge (reporter, source, destination, version, code), for the control plane. */
  traffic(): TrafficSeries[] {
    const edges = new Map<string, TrafficSeries>();
    for (const s of this.series) {
      const { reporter, source_workload: source, destination_service: destination, destination_version: version } = s.labels;
      const code = Number(s.labels.response_code);
      const key = `${reporter}\u0000${source}\u0000${destination}\u0000${version}\u0000${code}`;
      let edge = edges.get(key);
      if (!edge) {
        edge = { reporter: reporter as TrafficSeries["reporter"], source, destination, version, code, count: 0, sumMs: 0, buckets: new Array<number>(s.buckets.length).fill(0) };
        edges.set(key, edge);
      }
      edge.count += s.count;
      edge.sumMs += s.sumMs;
      for (let i = 0; i < s.buckets.length; i++) edge.buckets[i]! += s.buckets[i]!;
    }
    return [...edges.values()];
  }
}

/** One series as Prometheus histogram lines (in seconds): cumulative buckets by upper bound, then +Inf, sum and count. */
function histogramLines(name: string, s: Series): MetricValue[] {
  const lines: MetricValue[] = [];
  let cumulative = 0;
  for (let i = 0; i < LATENCY_BUCKETS_MS.length; i++) {
    cumulative += s.buckets[i]!;
    lines.push({ metricName: `${name}_bucket`, labels: { ...s.labels, le: LATENCY_BUCKETS_MS[i]! / 1000 }, value: cumulative });
  }
  lines.push({ metricName: `${name}_bucket`, labels: { ...s.labels, le: "+Inf" }, value: s.count });
  lines.push({ metricName: `${name}_sum`, labels: s.labels, value: s.sumMs / 1000 });
  lines.push({ metricName: `${name}_count`, labels: s.labels, value: s.count });
  return lines;
}
