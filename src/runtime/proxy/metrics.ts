// Prometheus metrics with Istio's shape (istio_requests_total → typemesh_requests_total, same labels),
// one registry per proxy so that several proxies in one process never mix their figures.
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import { ResilienceMetrics } from "./resilience-metrics.ts";
import { TrafficStats } from "./traffic-stats.ts";

const REQUEST_LABELS = [
  "reporter", "source_workload", "source_version", "destination_service", "destination_version",
  "response_code", "response_flags", "connection_security_policy",
] as const;

export type RequestLabels = Record<(typeof REQUEST_LABELS)[number], string>;

// Label sets whose series are kept at hand (observe); beyond that the cache starts over, so hostile
// label values (a Host header per request) cannot grow it without bound.
const MAX_CACHED_SERIES = 1024;

// Istio's default buckets for request duration, in milliseconds.
const DURATION_BUCKETS = [0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000];

export class ProxyMetrics {
  readonly registry = new Registry();
  private readonly requests = new Counter({
    name: "typemesh_requests_total", help: "Requests handled by the proxy, by outcome.", labelNames: REQUEST_LABELS, registers: [this.registry],
  });
  private readonly duration = new Histogram({
    name: "typemesh_request_duration_milliseconds", help: "Time from request received to response complete.",
    labelNames: REQUEST_LABELS, buckets: DURATION_BUCKETS, registers: [this.registry],
  });
  readonly connected = new Gauge({
    name: "typemesh_proxy_control_plane_connected", help: "1 while the config stream to the control plane is up.", registers: [this.registry],
  });
  readonly configApplied = new Gauge({
    name: "typemesh_proxy_config_applied_timestamp_seconds", help: "When the config in force was applied.", registers: [this.registry],
  });
  readonly configRejections = new Counter({
    name: "typemesh_proxy_config_rejections_total", help: "Config pushes this proxy could not apply (NACKed).", registers: [this.registry],
  });

  /** Retries, timeouts, ejections, circuit-open rejections, injected faults, mirrors. */
  readonly resilience = new ResilienceMetrics(this.registry);

  private readonly series = new Map<string, { requests: { inc(): void }; duration: { observe(value: number): void } }>();

  /** The same requests in the compact form reported to the control plane. */
  readonly traffic = new TrafficStats();

  constructor(readonly workload: { service: string; version: string }) {
    this.registry.setDefaultLabels({});
  }

  observe(labels: RequestLabels, durationMs: number): void {
    // prom-client hashes a label object (sorting its keys) on every call; the label values of one proxy
    // repeat (a few destinations × codes), so each set's two series are looked up once and kept.
    const key = `${labels.reporter}\u0000${labels.source_workload}\u0000${labels.source_version}\u0000${labels.destination_service}\u0000${labels.destination_version}\u0000${labels.response_code}\u0000${labels.response_flags}\u0000${labels.connection_security_policy}`;
    let series = this.series.get(key);
    if (!series) {
      if (this.series.size >= MAX_CACHED_SERIES) this.series.clear();
      series = { requests: this.requests.labels(labels), duration: this.duration.labels(labels) };
      this.series.set(key, series);
    }
    series.requests.inc();
    series.duration.observe(durationMs);
    this.traffic.record(labels.reporter as "source" | "destination", labels.source_workload, labels.destination_service,
      labels.destination_version, Number(labels.response_code), durationMs);
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}
