// Lowers one route to its canonical IR form: matches normalised and sorted, durations in milliseconds,
// defaults made explicit, so that two ways of writing the same policy lower to the same bytes.
import { destinationsOf, matchesOf } from "../check/context.ts";
import type { RequestMatchSpec, RetrySpec, RouteSpec } from "../check/spec-shape.ts";
import type { SourceLocation } from "../diagnostics/diagnostic.ts";
import type { HttpMethodIR, MatchIR, RetryIR, RouteIR, StringMatchIR, ValueMatchIR } from "../ir/schema.ts";
import { parseDuration } from "../units.ts";

type Located = (path: readonly (string | number)[]) => SourceLocation;

const DEFAULT_BACKOFF = { baseMs: 25, maxMs: 250 };

function stringMatch(spec: { exact?: string; prefix?: string; regex?: string }): StringMatchIR {
  if (spec.exact !== undefined) return { kind: "exact", value: spec.exact };
  if (spec.prefix !== undefined) return { kind: "prefix", value: spec.prefix };
  return { kind: "regex", value: spec.regex ?? "" };
}

function valueMatch(spec: { exact?: string; prefix?: string; regex?: string; present?: true }): ValueMatchIR {
  return spec.present ? { kind: "present", value: "" } : stringMatch(spec);
}

function named(record: Record<string, Parameters<typeof valueMatch>[0]> | undefined, lowerCase: boolean) {
  return Object.entries(record ?? {})
    .map(([name, spec]) => ({ name: lowerCase ? name.toLowerCase() : name, match: valueMatch(spec) }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

export function lowerMatch(match: RequestMatchSpec): MatchIR {
  const methods = match.method === undefined ? undefined : [...new Set([match.method].flat())].sort() as HttpMethodIR[];
  return {
    ...(match.path && { path: stringMatch(match.path) }),
    headers: named(match.headers, true),
    query: named(match.query, false),
    ...(methods && methods.length > 0 && { methods }),
  };
}

function lowerRetries(retries: RetrySpec): RetryIR {
  const on = retries.retryOn ?? ["5xx", "gateway-error", "reset", "connect-failure"];
  const baseMs = parseDuration(retries.backoff?.base) ?? DEFAULT_BACKOFF.baseMs;
  const perTry = parseDuration(retries.perTryTimeout);
  return {
    attempts: retries.attempts,
    ...(perTry !== undefined && { perTryTimeoutMs: perTry }),
    retryOn: [...new Set(on.filter((c): c is string => typeof c === "string"))].sort(),
    retryOnStatus: [...new Set(on.filter((c): c is number => typeof c === "number"))].sort((a, b) => a - b),
    backoff: { baseMs, maxMs: parseDuration(retries.backoff?.max) ?? Math.max(baseMs, DEFAULT_BACKOFF.maxMs) },
    retryNonIdempotent: retries.retryNonIdempotent ?? false,
  };
}

function headerChanges(spec: { set?: Record<string, string>; add?: Record<string, string>; remove?: string[] } | undefined) {
  if (!spec) return undefined;
  const sorted = (r?: Record<string, string>) =>
    Object.fromEntries(Object.entries(r ?? {}).map(([k, v]) => [k.toLowerCase(), v]).sort(([a], [b]) => a!.localeCompare(b!)));
  return { set: sorted(spec.set), add: sorted(spec.add), remove: [...new Set((spec.remove ?? []).map((h) => h.toLowerCase()))].sort() };
}

export function lowerRoute(route: RouteSpec, index: number, at: Located): RouteIR {
  const timeout = parseDuration(route.timeout);
  const delay = route.fault?.delay;
  const abort = route.fault?.abort;
  const requestHeaders = headerChanges(route.headers?.request);
  const responseHeaders = headerChanges(route.headers?.response);
  const mirror = route.mirror;
  return {
    name: route.name ?? `route-${index + 1}`,
    matches: matchesOf(route).map(lowerMatch),
    // Declared order of split keys is kept: it is the order authors read and plans show.
    destinations: destinationsOf(route).map(([version, weight]) => ({ version, weight })),
    ...(timeout !== undefined && { timeoutMs: timeout }),
    ...(route.retries && { retries: lowerRetries(route.retries) }),
    ...(route.fault && {
      fault: {
        ...(delay && { delay: { fixedMs: parseDuration(delay.fixed) ?? 0, percent: delay.percent } }),
        ...(abort && { abort: { status: abort.status, percent: abort.percent } }),
      },
    }),
    ...(mirror?.to.$service && {
      mirror: {
        service: mirror.to.$service,
        ...(mirror.to.$version !== undefined && { version: mirror.to.$version }),
        percent: mirror.percent ?? 100,
      },
    }),
    ...(requestHeaders && { requestHeaders }),
    ...(responseHeaders && { responseHeaders }),
    source: at(["routes", index]),
  };
}
