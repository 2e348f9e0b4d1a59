// Request matching exactly as the proxies do it: path matches on the path without the query string,
// regexes must match the whole value (as in Envoy and Istio), header names are case-insensitive.
import type { MatchIR, RouteIR, StringMatchIR, ValueMatchIR } from "../ir/schema.ts";

export interface RequestFacts {
  method: string;
  /** Path without the query string. */
  path: string;
  /** Lower-case names. */
  headers: Readonly<Record<string, string>>;
  query: Readonly<Record<string, string>>;
}

const regexCache = new Map<string, RegExp>();

function fullRegex(source: string): RegExp {
  let re = regexCache.get(source);
  if (!re) {
    re = new RegExp(`^(?:${source})$`);
    regexCache.set(source, re);
  }
  return re;
}

export function stringMatches(match: StringMatchIR | ValueMatchIR, value: string | undefined): boolean {
  if (value === undefined) return false;
  switch (match.kind) {
    case "exact": return value === match.value;
    case "prefix": return value.startsWith(match.value);
    case "regex": return fullRegex(match.value).test(value);
    case "present": return true;
  }
}

export function requestMatches(match: MatchIR, request: RequestFacts): boolean {
  if (match.methods && !match.methods.includes(request.method as never)) return false;
  if (match.path && !stringMatches(match.path, request.path)) return false;
  for (const { name, match: m } of match.headers) if (!stringMatches(m, request.headers[name])) return false;
  for (const { name, match: m } of match.query) if (!stringMatches(m, request.query[name])) return false;
  return true;
}

/** The first route whose matches hold (a route without matches matches everything). */
export function selectRoute(routes: readonly RouteIR[], request: RequestFacts): { route: RouteIR; index: number } | undefined {
  for (const [index, route] of routes.entries()) {
    if (route.matches.length === 0 || route.matches.some((m) => requestMatches(m, request))) return { route, index };
  }
  return undefined;
}

/** Splits "/a/b?x=1&y" into a path and its query parameters (first value wins). */
export function splitTarget(target: string): { path: string; query: Record<string, string> } {
  const q = target.indexOf("?");
  if (q < 0) return { path: target, query: {} };
  const query: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(target.slice(q + 1))) if (!(key in query)) query[key] = value;
  return { path: target.slice(0, q), query };
}

/** Picks a destination from cumulative weights; `sample` is uniform in [0, 100). */
export function pickWeighted<T extends { weight: number }>(destinations: readonly T[], sample: number): T | undefined {
  let cumulative = 0;
  for (const destination of destinations) {
    cumulative += destination.weight;
    if (sample < cumulative) return destination;
  }
  return destinations.at(-1);
}
