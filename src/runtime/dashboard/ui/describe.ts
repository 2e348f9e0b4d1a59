// Route parts written out for the service view, in the words `typemesh simulate` and plan use: the
// shared phrases are the impact report's own (compiler/diff/describe.ts); a service's breaker and
// limits are written out only here.
import type { RouteIR, ServiceIR } from "../../../compiler/ir/schema.ts";
import { describeMatch, faultText, headerChangeList, mirrorText } from "../../../compiler/diff/describe.ts";
import { formatDuration } from "../../../compiler/units.ts";

export function describeMatches(route: RouteIR): string[] {
  return route.matches.length === 0 ? ["every request (catch-all)"] : route.matches.map(describeMatch);
}

/** The rest of a route's behaviour, one phrase each: fault, mirror, header changes. */
export function describeExtras(route: RouteIR): string[] {
  const mirror = mirrorText(route.mirror);
  return [faultText(route.fault), mirror && `mirror ${mirror}`, ...headerChangeList(route)].filter((x): x is string => x !== undefined);
}

export function describeBreaker(service: ServiceIR): string | undefined {
  const o = service.outlierDetection;
  return o && `eject an endpoint after ${o.consecutive5xx} consecutive 5xx for ${formatDuration(o.baseEjectionTimeMs)} (checked every ${formatDuration(o.intervalMs)}, at most ${o.maxEjectionPercent}% ejected)`;
}

export function describeLimits(service: ServiceIR): string | undefined {
  const l = service.connectionLimits;
  if (!l) return undefined;
  return [
    l.maxConnections !== undefined && `${l.maxConnections} connections`,
    l.maxPendingRequests !== undefined && `${l.maxPendingRequests} pending requests`,
    l.maxRequests !== undefined && `${l.maxRequests} requests in flight`,
  ].filter(Boolean).join(", ");
}
