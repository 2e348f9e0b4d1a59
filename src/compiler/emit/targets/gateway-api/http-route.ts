// One HTTPRoute per service in GAMMA mesh mode: parentRefs the service's own Service, so it governs
// traffic from inside the mesh; backends are the per-version Services (shared/names: `<service>-<version>`).
// Rules stay in declared order and the ordering pass (gamma/order) adds what keeps first-match-wins.
import type { MeshIR, ServiceIR } from "../../../ir/schema.ts";
import { httpRouteMatch } from "../gamma/atoms.ts";
import { MAX_MATCHES, MAX_RULES, backendRefs, chunk, headerFilters, mirrorBackend } from "../gamma/filters.ts";
import { gammaRouteTable, type GammaRoute } from "../gamma/route-table.ts";
import { gatewayDuration } from "../shared/durations.ts";
import type { TargetReport } from "../shared/report.ts";
import { resource, type Resource } from "../shared/resource.ts";

export const GATEWAY_API_VERSION = "gateway.networking.k8s.io/v1";

function filtersOf(ir: MeshIR, service: ServiceIR, { planned }: GammaRoute, report: TargetReport): Record<string, unknown>[] {
  const route = planned.route;
  const filters = headerFilters(route);
  if (route.mirror) {
    const backend = mirrorBackend(ir, service, route.mirror);
    if (route.mirror.percent < 100) {
      report.report("TM3002", route.source,
        `route ${route.name} of ${service.id} mirrors ${route.mirror.percent}% of requests, but RequestMirror (Gateway API v1.0) copies every request: the mirror is left out rather than sending it all`,
        "mirror 100% on this target, or emit the istio target for partial mirroring");
    } else if (backend) {
      filters.push({ type: "RequestMirror", requestMirror: { backendRef: backend } });
    }
  }
  return filters;
}

function rulesOf(ir: MeshIR, service: ServiceIR, route: GammaRoute, report: TargetReport): Record<string, unknown>[] {
  const r = route.planned.route;
  if (r.fault) {
    report.report("TM3001", r.source, `route ${r.name} of ${service.id} injects faults, which HTTPRoute cannot: its requests are not faulted on this target`, "emit the istio target to keep fault injection");
  }
  if (r.retries && r.retries.attempts > 0) {
    report.report("TM3003", r.source, `route ${r.name} of ${service.id} retries ${r.retries.attempts} time(s), but HTTPRoute retries are not in Gateway API v1.0: requests are not retried on this target`, "emit the istio or linkerd target to keep retries");
  }
  const backends = backendRefs(service, r, report);
  const filters = filtersOf(ir, service, route, report);
  // A route with more matches than one rule holds becomes consecutive rules with the same action.
  return chunk(route.atoms, MAX_MATCHES).map((atoms) => ({
    matches: atoms.map(httpRouteMatch),
    backendRefs: backends,
    ...(filters.length > 0 && { filters }),
    ...(r.timeoutMs !== undefined && { timeouts: { request: gatewayDuration(r.timeoutMs) } }),
  }));
}

export function gatewayHttpRoutes(ir: MeshIR, service: ServiceIR, report: TargetReport): Resource[] {
  // Without routes the mesh sends to the Service itself, over every version: what typemesh does too.
  if (service.routes.length === 0) return [];
  const planned = service.routes.map((route) => ({ name: route.name, route, declared: route }));
  const table = gammaRouteTable(service, planned, report, { model: "gateway-api", userRegexIsSpecific: true, routePerResource: false });
  const rules = table.routes.flatMap((route) => rulesOf(ir, service, route, report));
  const parentRefs = [{ group: "", kind: "Service", name: service.name, port: service.port }];
  const parts = chunk(rules, MAX_RULES);
  if (parts.length > 1) {
    report.report("TM3013", service.source,
      `${service.id} needs ${rules.length} HTTPRoute rules, more than the ${MAX_RULES} one HTTPRoute holds: split over ${parts.length} HTTPRoutes, whose ties Gateway API breaks by creation time, not declared order`);
  }
  return parts.map((part, i) => resource(GATEWAY_API_VERSION, "HTTPRoute",
    { name: i === 0 ? service.name : `${service.name}-${i + 1}`, namespace: service.namespace },
    { parentRefs, rules: part }));
}

