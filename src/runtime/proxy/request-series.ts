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
// through labels(): with the traffic stats' own map, three lookups per request. Here it is at most one.
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

/** How many of the series used last are checked before the map; a proxy's traffic has a few at a time. */
const RECENT = 4;

function sameLabels(a: RequestLabels, b: RequestLabels): boolean {
  return a.response_code === b.response_code && a.destination_service === b.destination_service
    && a.destination_version === b.destination_version && a.response_flags === b.response_flags
    && a.connection_security_policy === b.connection_security_policy && a.source_workload === b.source_workload
    && a.source_version === b.source_version && a.reporter === b.reporter;
}

export class RequestSeries {
  private readonly series = new Map<string, Series>();
  // The series used last, checked field by field before the map: the map's key is a string joined from
  // all eight labels, built, flattened and hashed on every lookup (about a microsecond of the proxy's CPU
  // per request), where most requests repeat one of a few label sets.
  private readonly recent: Series[] = [];

  record(labels: RequestLabels, durationMs: number): void {
    let entry: Series | undefined;
    for (const candidate of this.recent) {
      if (sameLabels(candidate.labels, labels)) {
        entry = candidate;
        break;
      }
    }
    if (!entry) {
      entry = this.lookup(labels);
      this.recent.unshift(entry);
      if (this.recent.length > RECENT) this.recent.pop();
    }
    entry.count++;
    entry.sumMs += durationMs;
    entry.buckets[bucketOf(durationMs)]!++;
  }

  private lookup(labels: RequestLabels): Series {
    const key = `${labels.reporter}\u0000${labels.source_workload}\u0000${labels.source_version}\u0000${labels.destination_service}\u0000${labels.destination_version}\u0000${labels.response_code}\u0000${labels.response_flags}\u0000${labels.connection_security_policy}`;
    let entry = this.series.get(key);
    if (!entry) {
      // The caller reuses its label object for the next request's finish: keep a copy.
      entry = { labels: { ...labels }, count: 0, sumMs: 0, buckets: new Array<number>(LATENCY_BUCKETS_MS.length + 1).fill(0) };
      this.series.set(key, entry);
    }
    return entry;
  }

  /** Registers typemesh_requests_total and typemesh_request_duration_seconds, read from these counts. */
  register(registry: Registry): void {
    const metric = (name: string, help: string, type: CollectedMetric["type"], values: () => MetricValue[]) => {
      const collected = (): CollectedMetric => ({ name, help, type, aggregator: "sum", values: values() });
      return { name, help, type, aggregator: "sum", get: async () => collected(), reset: () => {} };
    };
    registry.registerMetric(metric("typemesh_requests_total", "Requests handled by the proxy, by outcome.", "counter",
      () => [...this.series.values()].map((s) => ({ labels: s.labels, value: s.count }))) as never);
    registry.registerMetric(metric("typemesh_request_duration_seconds", "Time from request received to response complete.", "histogram",
      () => [...this.series.values()].flatMap((s) => histogramLines("typemesh_request_duration_seconds", s))) as never);
  }

  /** The same counts summed per edge (reporter, source, destination, version, code), for the control plane. */
  traffic(): TrafficSeries[] {
    const edges = new Map<string, TrafficSeries>();
    for (const s of this.series.values()) {
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
