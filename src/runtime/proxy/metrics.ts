// Prometheus metrics with Istio's shape (istio_requests_total → typemesh_requests_total, same labels),
// one registry per proxy so that several proxies in one process never mix their figures.
import { Counter, Gauge, Registry } from "prom-client";
import { RequestSeries, type RequestLabels } from "./request-series.ts";
import { registerProcessMetrics } from "./process-metrics.ts";
import { ResilienceMetrics } from "./resilience-metrics.ts";

export type { RequestLabels } from "./request-series.ts";

export class ProxyMetrics {
  readonly registry = new Registry();
  /** typemesh_requests_total and the duration histogram; the control plane's traffic figures too. */
  readonly requests = new RequestSeries();
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

  constructor(readonly workload: { service: string; version: string }) {
    this.registry.setDefaultLabels({});
    this.requests.register(this.registry);
    registerProcessMetrics(this.registry);
  }

  observe(labels: RequestLabels, durationMs: number): void {
    this.requests.record(labels, durationMs);
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}
