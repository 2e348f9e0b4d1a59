// HTTPRoute filters for header changes and mirrors, shared by Gateway API and Linkerd's HTTPRoute.
import type { MeshIR, MirrorIR, RouteIR, ServiceIR } from "../../../ir/schema.ts";
import { isDnsLabel, versionServiceName } from "../shared/names.ts";
import type { TargetReport } from "../shared/report.ts";
import { integerWeights } from "../shared/weights.ts";
import { serviceById } from "../shared/service-index.ts";

type HeaderChanges = NonNullable<RouteIR["requestHeaders"]>;

const pairs = (record: Record<string, string>) => Object.entries(record).map(([name, value]) => ({ name, value }));

export function headerModifier(changes: HeaderChanges | undefined): Record<string, unknown> | undefined {
  if (!changes) return undefined;
  const modifier = {
    ...(Object.keys(changes.set).length > 0 && { set: pairs(changes.set) }),
    ...(Object.keys(changes.add).length > 0 && { add: pairs(changes.add) }),
    ...(changes.remove.length > 0 && { remove: [...changes.remove] }),
  };
  return Object.keys(modifier).length > 0 ? modifier : undefined;
}

export function headerFilters(route: RouteIR): Record<string, unknown>[] {
  const request = headerModifier(route.requestHeaders);
  const response = headerModifier(route.responseHeaders);
  return [
    ...(request ? [{ type: "RequestHeaderModifier", requestHeaderModifier: request }] : []),
    ...(response ? [{ type: "ResponseHeaderModifier", responseHeaderModifier: response }] : []),
  ];
}

/** The Service a mirror sends to: the version's Service when a version is named, else the service's. */
export function mirrorBackend(ir: MeshIR, from: ServiceIR, mirror: MirrorIR): { name: string; namespace?: string; port: number } | undefined {
  const target = serviceById(ir, mirror.service);
  if (!target) return undefined;
  return {
    name: mirror.version ? versionServiceName(target, mirror.version) : target.name,
    ...(target.namespace !== from.namespace && { namespace: target.namespace }),
    port: target.port,
  };
}

/** The route's destinations as weighted per-version Services. */
export function backendRefs(service: ServiceIR, route: RouteIR, report: TargetReport): { name: string; port: number; weight: number }[] {
  const weights = integerWeights(route.destinations.map((d) => d.weight));
  return route.destinations.map((d, i) => {
    const name = versionServiceName(service, d.version);
    if (!isDnsLabel(name)) {
      report.report("TM3013", route.source, `route ${route.name} of ${service.id} sends to the Service "${name}", longer than the 63 characters a Service name may have`, "shorten the service or version name");
    }
    return { name, port: service.port, weight: weights[i]! };
  });
}

/** Matches per rule and rules per HTTPRoute, from the CRDs' maxItems. */
export const MAX_MATCHES = 8;
export const MAX_RULES = 16;

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out.length > 0 ? out : [[]];
}
