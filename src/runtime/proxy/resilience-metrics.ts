// Prometheus counters of what the resilience layers did, registered on the proxy's registry
// (metrics.ts): retries sent and refused, timeouts, outlier ejections, circuit-open rejections,
// injected faults and mirrored requests. Each counts events, never plain requests, so a route whose
// layers do not trigger costs nothing here.
import { Counter, type Registry } from "prom-client";
import type { Ejection } from "./outlier-detector.ts";
import type { FaultEvents } from "./layers/fault.ts";
import type { MirrorOutcome } from "./layers/mirror.ts";
import type { RetryEvents } from "./layers/retry.ts";
import type { TimeoutScope } from "./layers/timeout.ts";

export class ResilienceMetrics implements RetryEvents, FaultEvents {
  private readonly retries: Counter<"destination_service" | "route">;
  private readonly retriesDenied: Counter<"destination_service" | "route" | "reason">;
  private readonly timeouts: Counter<"destination_service" | "route" | "scope">;
  private readonly ejections: Counter<"destination_service" | "endpoint">;
  private readonly circuitOpen: Counter<"destination_service">;
  private readonly faults: Counter<"destination_service" | "route" | "fault">;
  private readonly mirrored: Counter<"mirror_service" | "outcome">;

  constructor(registry: Registry) {
    const registers = [registry];
    this.retries = new Counter({ name: "typemesh_retries_total", help: "Retries sent (tries after the first).", labelNames: ["destination_service", "route"], registers });
    this.retriesDenied = new Counter({
      name: "typemesh_retries_denied_total", help: "Retries the route's policy asked for but the proxy did not send: the retry budget was spent, or the body could not be replayed.",
      labelNames: ["destination_service", "route", "reason"], registers,
    });
    this.timeouts = new Counter({ name: "typemesh_timeouts_total", help: "Requests (scope=request) and tries (scope=per-try) cut by a timeout.", labelNames: ["destination_service", "route", "scope"], registers });
    this.ejections = new Counter({ name: "typemesh_outlier_ejections_total", help: "Endpoints ejected by outlier detection.", labelNames: ["destination_service", "endpoint"], registers });
    this.circuitOpen = new Counter({ name: "typemesh_circuit_open_rejections_total", help: "Requests refused at once because the destination's connection limits and pending queue were full.", labelNames: ["destination_service"], registers });
    this.faults = new Counter({ name: "typemesh_faults_injected_total", help: "Faults injected by this proxy (delay or abort).", labelNames: ["destination_service", "route", "fault"], registers });
    this.mirrored = new Counter({ name: "typemesh_mirrored_requests_total", help: "Copies of requests for mirror targets: sent, or dropped because the mirror was saturated or had no endpoint.", labelNames: ["mirror_service", "outcome"], registers });
  }

  retried(route: string, service: string): void {
    this.retries.inc({ destination_service: service, route });
  }

  denied(route: string, service: string, reason: "budget-exhausted" | "body-not-replayable"): void {
    this.retriesDenied.inc({ destination_service: service, route, reason });
  }

  timedOut(scope: TimeoutScope, route: string, service: string): void {
    this.timeouts.inc({ destination_service: service, route, scope });
  }

  ejected(service: string, ejection: Ejection): void {
    this.ejections.inc({ destination_service: service, endpoint: ejection.endpoint });
  }

  opened(service: string): void {
    this.circuitOpen.inc({ destination_service: service });
  }

  injected(service: string, route: string, fault: "delay" | "abort"): void {
    this.faults.inc({ destination_service: service, route, fault });
  }

  mirror(mirrorService: string, outcome: MirrorOutcome): void {
    this.mirrored.inc({ mirror_service: mirrorService, outcome });
  }

  /** Totals per counter (labels summed), for the demo's summary line and tests. */
  async totals(): Promise<Record<"retries" | "retriesDenied" | "timeouts" | "ejections" | "circuitOpen" | "faults" | "mirrored", number>> {
    const sum = async (counter: Counter<string>) => (await counter.get()).values.reduce((n, v) => n + v.value, 0);
    return {
      retries: await sum(this.retries), retriesDenied: await sum(this.retriesDenied), timeouts: await sum(this.timeouts),
      ejections: await sum(this.ejections), circuitOpen: await sum(this.circuitOpen), faults: await sum(this.faults),
      mirrored: (await this.mirrored.get()).values.filter((v) => v.labels.outcome === "sent").reduce((n, v) => n + v.value, 0),
    };
  }
}
