// One VirtualService per service. Istio tries `http` entries in order, first match wins, exactly as
// typemesh does, so routes map one to one (plus retry guards, shared/retry-guard). A route without
// retries says `attempts: 0`: Istio would otherwise retry twice by default.
import type { MeshIR, RouteIR, ServiceIR } from "../../../ir/schema.ts";
import { istioDuration } from "../shared/durations.ts";
import { serviceHost } from "../shared/names.ts";
import type { TargetReport } from "../shared/report.ts";
import { resource, type Resource } from "../shared/resource.ts";
import { guardNonIdempotentRetries } from "../shared/retry-guard.ts";
import { reportRegexes } from "../shared/regex-report.ts";
import { integerWeights } from "../shared/weights.ts";
import { istioMatches } from "./http-match.ts";
import { serviceById } from "../shared/service-index.ts";

export const ISTIO_NETWORKING = "networking.istio.io/v1beta1";

/** Envoy's retry backoff when none is configured, which Istio v1beta1 cannot change. */
const ENVOY_BACKOFF = { baseMs: 25, maxMs: 250 };

function retriesOf(service: ServiceIR, route: RouteIR, report: TargetReport): Record<string, unknown> {
  const r = route.retries;
  if (!r || r.attempts === 0) return { attempts: 0 };
  if (r.backoff.baseMs !== ENVOY_BACKOFF.baseMs || r.backoff.maxMs !== ENVOY_BACKOFF.maxMs) {
    report.report("TM3004", route.source,
      `route ${route.name} of ${service.id} backs off ${r.backoff.baseMs}–${r.backoff.maxMs}ms between retries, which Istio's VirtualService cannot set: Envoy's 25–250ms applies`);
  }
  const retryOn = [...r.retryOn, ...r.retryOnStatus.map(String)].join(",");
  return {
    attempts: r.attempts,
    ...(r.perTryTimeoutMs !== undefined && { perTryTimeout: istioDuration(r.perTryTimeoutMs) }),
    ...(retryOn && { retryOn }),
  };
}

function headerChanges(changes: RouteIR["requestHeaders"]): Record<string, unknown> | undefined {
  if (!changes) return undefined;
  const out = {
    ...(Object.keys(changes.set).length > 0 && { set: changes.set }),
    ...(Object.keys(changes.add).length > 0 && { add: changes.add }),
    ...(changes.remove.length > 0 && { remove: changes.remove }),
  };
  return Object.keys(out).length > 0 ? out : undefined;
}

function mirrorOf(ir: MeshIR, route: RouteIR, clusterDomain: string): Record<string, unknown> {
  const target = route.mirror && serviceById(ir, route.mirror.service);
  if (!route.mirror || !target) return {};
  return {
    mirror: { host: serviceHost(target, clusterDomain), ...(route.mirror.version && { subset: route.mirror.version }), port: { number: target.port } },
    mirrorPercentage: { value: route.mirror.percent },
  };
}

function httpRoute(ir: MeshIR, service: ServiceIR, name: string, route: RouteIR, clusterDomain: string, report: TargetReport): Record<string, unknown> {
  const host = serviceHost(service, clusterDomain);
  const weights = integerWeights(route.destinations.map((d) => d.weight));
  const request = headerChanges(route.requestHeaders);
  const response = headerChanges(route.responseHeaders);
  const { delay, abort } = route.fault ?? {};
  return {
    name,
    match: istioMatches(route.matches),
    route: route.destinations.map((d, i) => ({ destination: { host, subset: d.version, port: { number: service.port } }, weight: weights[i] })),
    ...(route.timeoutMs !== undefined && { timeout: istioDuration(route.timeoutMs) }),
    retries: retriesOf(service, route, report),
    ...(route.fault && {
      fault: {
        ...(delay && { delay: { fixedDelay: istioDuration(delay.fixedMs), percentage: { value: delay.percent } } }),
        ...(abort && { abort: { httpStatus: abort.status, percentage: { value: abort.percent } } }),
      },
    }),
    ...mirrorOf(ir, route, clusterDomain),
    ...((request || response) && { headers: { ...(request && { request }), ...(response && { response }) } }),
  };
}

export function virtualService(ir: MeshIR, service: ServiceIR, clusterDomain: string, report: TargetReport): Resource {
  const host = serviceHost(service, clusterDomain);
  for (const route of service.routes) reportRegexes(service, route, report, false);
  const http = service.routes.length === 0
    // No routes: every version, as typemesh balances then — but still no default retries.
    ? [{ name: "default", route: [{ destination: { host, port: { number: service.port } } }], retries: { attempts: 0 } }]
    : guardNonIdempotentRetries(service.routes).map((p) => httpRoute(ir, service, p.name, p.route, clusterDomain, report));
  return resource(ISTIO_NETWORKING, "VirtualService", { name: service.name, namespace: service.namespace }, { hosts: [host], http });
}
