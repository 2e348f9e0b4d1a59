// One-line descriptions of IR values, the words every section of the impact report uses, so the same
// route reads the same in the route table, a change line and a risk banner.
import type { FaultIR, MatchIR, MirrorIR, RetryIR, RouteIR, StringMatchIR, ValueMatchIR } from "../ir/schema.ts";
import { formatDuration } from "../units.ts";

function stringMatch(m: StringMatchIR | ValueMatchIR): string {
  switch (m.kind) {
    case "exact": return `= ${m.value}`;
    case "prefix": return `^= ${m.value}`;
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
    ...match.headers.map((h) => `header ${h.name} ${stringMatch(h.match)}`),
    ...match.query.map((q) => `query ${q.name} ${stringMatch(q.match)}`),
  ];
  return parts.length === 0 ? "any request" : parts.join(" ");
}

export function describeMatches(route: RouteIR): string {
  return route.matches.length === 0 ? "every request" : route.matches.map(describeMatch).join(" or ");
}

export function describeDestinations(route: RouteIR): string {
  return route.destinations.map((d) => (route.destinations.length === 1 ? d.version : `${d.version} ${d.weight}%`)).join(" · ");
}

export function describeRetries(retries: RetryIR | undefined): string {
  if (!retries || retries.attempts === 0) return "none";
  const perTry = retries.perTryTimeoutMs === undefined ? "" : ` × ${formatDuration(retries.perTryTimeoutMs)}`;
  const on = [...retries.retryOn, ...retries.retryOnStatus.map(String)].join(", ");
  return `${retries.attempts}${perTry} on ${on}${retries.retryNonIdempotent ? " (incl. POST/PATCH)" : ""}`;
}

/**
 * The longest a caller can wait on this route, by the mesh's bounds: the route timeout bounds the whole
 * request including retries; without one, retries with a per-try timeout bound it as tries plus
 * backoffs; otherwise nothing does.
 */
export function worstCaseMs(route: RouteIR): number | undefined {
  const r = route.retries;
  const byRetries = r && r.perTryTimeoutMs !== undefined
    ? (r.attempts + 1) * r.perTryTimeoutMs + r.attempts * r.backoff.maxMs
    : undefined;
  const bounds = [route.timeoutMs, byRetries].filter((n): n is number => n !== undefined);
  return bounds.length === 0 ? undefined : Math.min(...bounds);
}

export function describeWorstCase(route: RouteIR): string {
  const ms = worstCaseMs(route);
  return ms === undefined ? "unbounded" : formatDuration(ms);
}

/** What a fault injects, or undefined for none. */
export function faultText(fault: FaultIR | undefined): string | undefined {
  if (!fault) return undefined;
  return [
    ...(fault.delay ? [`delay ${formatDuration(fault.delay.fixedMs)} for ${fault.delay.percent}%`] : []),
    ...(fault.abort ? [`abort ${fault.abort.status} for ${fault.abort.percent}%`] : []),
  ].join(", ") || undefined;
}

export function describeFault(fault: FaultIR | undefined): string {
  return faultText(fault) ?? "none";
}

/** Where a mirror copies to, or undefined for none. */
export function mirrorText(mirror: MirrorIR | undefined): string | undefined {
  return mirror && `${mirror.percent}% to ${mirror.service}${mirror.version ? ` ${mirror.version}` : ""}`;
}

export function describeMirror(mirror: MirrorIR | undefined): string {
  return mirrorText(mirror) ?? "none";
}

/** A route's header changes, one per entry: request side, then response side. */
export function headerChangeList(route: RouteIR): string[] {
  const side = (label: string, h: RouteIR["requestHeaders"]) => h ? [
    ...Object.entries(h.set).map(([k, v]) => `${label} set ${k}: ${v}`),
    ...Object.entries(h.add).map(([k, v]) => `${label} add ${k}: ${v}`),
    ...h.remove.map((k) => `${label} remove ${k}`),
  ] : [];
  return [...side("request", route.requestHeaders), ...side("response", route.responseHeaders)];
}

export function describeHeaders(route: RouteIR): string {
  return headerChangeList(route).join("; ") || "none";
}

/** Methods a route may carry: undefined means any method. */
export function routeMethods(route: RouteIR): Set<string> | undefined {
  if (route.matches.length === 0 || route.matches.some((m) => !m.methods)) return undefined;
  return new Set(route.matches.flatMap((m) => m.methods ?? []));
}
