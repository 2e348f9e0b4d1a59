// Outbound routing: one policy.linkerd.io HTTPRoute per route, because Linkerd reads retries and
// timeouts from annotations on the whole resource. Linkerd ranks matches across all of a Service's
// HTTPRoutes like Gateway API; the ordering pass (gamma/order) keeps first-match-wins, except for exact
// ties, which Linkerd breaks between resources by creation time — those are reported.
import type { MeshIR, ServiceIR } from "../../../ir/schema.ts";
import { httpRouteMatch } from "../gamma/atoms.ts";
import { MAX_MATCHES, MAX_RULES, backendRefs, chunk, headerModifier } from "../gamma/filters.ts";
import { gammaRouteTable, type GammaRoute } from "../gamma/route-table.ts";
import { dnsLabel, uniqueNames } from "../shared/names.ts";
import type { TargetReport } from "../shared/report.ts";
import { resource, type Resource } from "../shared/resource.ts";
import { guardNonIdempotentRetries } from "../shared/retry-guard.ts";
import { routeAnnotations } from "./annotations.ts";

export const LINKERD_HTTPROUTE = "policy.linkerd.io/v1beta3";

function rules(service: ServiceIR, { planned, atoms }: GammaRoute, report: TargetReport): Record<string, unknown>[] {
  const route = planned.route;
  const request = headerModifier(route.requestHeaders);
  const response = headerModifier(route.responseHeaders);
  // Linkerd's rules take no ResponseHeaderModifier; on every backend of the rule it means the same.
  const backends = backendRefs(service, route, report).map((b) => ({
    ...b, ...(response && { filters: [{ type: "ResponseHeaderModifier", responseHeaderModifier: response }] }),
  }));
  return chunk(atoms, MAX_MATCHES).map((part) => ({
    matches: part.map(httpRouteMatch),
    backendRefs: backends,
    ...(request && { filters: [{ type: "RequestHeaderModifier", requestHeaderModifier: request }] }),
  }));
}

function reportUnsupported(service: ServiceIR, { planned }: GammaRoute, report: TargetReport): void {
  const route = planned.route;
  if (route.fault) report.report("TM3001", route.source, `route ${route.name} of ${service.id} injects faults, which Linkerd cannot: its requests are not faulted on this target`, "emit the istio target to keep fault injection");
  if (route.mirror) report.report("TM3002", route.source, `route ${route.name} of ${service.id} mirrors ${route.mirror.percent}% of requests to ${route.mirror.service}${route.mirror.version ? ` ${route.mirror.version}` : ""}, which Linkerd cannot: nothing is mirrored on this target`, "emit the istio target to keep mirroring");
}

export function linkerdHttpRoutes(_ir: MeshIR, service: ServiceIR, report: TargetReport): Resource[] {
  if (service.routes.length === 0) return [];
  const planned = guardNonIdempotentRetries(service.routes);
  const table = gammaRouteTable(service, planned, report, { model: "linkerd", userRegexIsSpecific: false, routePerResource: true });
  const names = uniqueNames(planned.map((p) => dnsLabel(`${service.name}-${p.name}`)));
  for (const { earlier, later } of table.ties) {
    const a = planned[earlier]!.declared;
    const b = planned[later]!.declared;
    if (a === b) continue;
    report.report("TM3005", a.source,
      `requests matching both route ${a.name} and the later route ${b.name} of ${service.id} tie on Gateway API precedence; Linkerd gives a tie between two HTTPRoutes to the older resource, not the declared order`,
      "make the two routes' matches disjoint, or give the earlier one an extra header or method match");
  }
  return table.routes.map((route, i) => {
    reportUnsupported(service, route, report);
    const routeRules = rules(service, route, report);
    if (routeRules.length > MAX_RULES) report.report("TM3013", route.planned.declared.source, `route ${route.planned.declared.name} of ${service.id} needs ${routeRules.length * MAX_MATCHES}+ matches, more than one HTTPRoute holds`);
    return resource(LINKERD_HTTPROUTE, "HTTPRoute", {
      name: names[i]!,
      namespace: service.namespace,
      annotations: routeAnnotations(service, route.planned.route, report),
    }, {
      parentRefs: [{ group: "core", kind: "Service", name: service.name, port: service.port }],
      rules: routeRules.slice(0, MAX_RULES),
    });
  });
}
