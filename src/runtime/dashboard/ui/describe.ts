// Route parts written out for the service view, in the words `typemesh simulate` and plan use.
import type { FaultIR, MatchIR, MirrorIR, RetryIR, RouteIR, ServiceIR, StringMatchIR, ValueMatchIR } from "../../../compiler/ir/schema.ts";
import { formatDuration } from "../../../compiler/units.ts";

function value(m: StringMatchIR | ValueMatchIR): string {
  switch (m.kind) {
    case "exact": return `= ${m.value}`;
    case "prefix": return `starts with ${m.value}`;
    case "regex": return `~ /${m.value}/`;
    case "present": return "present";
  }
}

function path(m: StringMatchIR): string {
  switch (m.kind) {
    case "exact": return m.value;
    case "prefix": return `${m.value}*`;
    case "regex": return `~/${m.value}/`;
  }
}

export function describeMatch(match: MatchIR): string {
  const parts = [
    ...(match.methods ? [match.methods.join("|")] : []),
    ...(match.path ? [path(match.path)] : []),
    ...match.headers.map((x) => `header ${x.name} ${value(x.match)}`),
    ...match.query.map((x) => `query ${x.name} ${value(x.match)}`),
  ];
  return parts.length === 0 ? "any request" : parts.join(" ");
}

export function describeMatches(route: RouteIR): string[] {
  return route.matches.length === 0 ? ["every request (catch-all)"] : route.matches.map(describeMatch);
}

export function describeRetries(retries: RetryIR | undefined): string {
  if (!retries || retries.attempts === 0) return "none";
  const perTry = retries.perTryTimeoutMs === undefined ? "" : ` × ${formatDuration(retries.perTryTimeoutMs)}`;
  const on = [...retries.retryOn, ...retries.retryOnStatus.map(String)].join(", ");
  return `${retries.attempts}${perTry} on ${on}${retries.retryNonIdempotent ? " (incl. POST/PATCH)" : ""}`;
}

export function describeFault(fault: FaultIR | undefined): string | undefined {
  if (!fault) return undefined;
  return [
    ...(fault.delay ? [`delay ${formatDuration(fault.delay.fixedMs)} for ${fault.delay.percent}%`] : []),
    ...(fault.abort ? [`abort ${fault.abort.status} for ${fault.abort.percent}%`] : []),
  ].join(", ");
}

export function describeMirror(mirror: MirrorIR | undefined): string | undefined {
  return mirror && `mirror ${mirror.percent}% to ${mirror.service}${mirror.version ? ` ${mirror.version}` : ""}`;
}

export function describeHeaders(route: RouteIR): string[] {
  const side = (label: string, changes: RouteIR["requestHeaders"]) => changes ? [
    ...Object.entries(changes.set).map(([k, v]) => `${label} set ${k}: ${v}`),
    ...Object.entries(changes.add).map(([k, v]) => `${label} add ${k}: ${v}`),
    ...changes.remove.map((k) => `${label} remove ${k}`),
  ] : [];
  return [...side("request", route.requestHeaders), ...side("response", route.responseHeaders)];
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
