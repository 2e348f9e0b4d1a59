// TM1004: routes are tried in order and the first match wins, so a route after a catch-all never
// matches. TM1005: the same for a route whose every match repeats an earlier route's match exactly.
import { isCatchAll, matchesOf, methodsOf } from "../context.ts";
import type { Rule } from "../rule.ts";
import type { RequestMatchSpec } from "../spec-shape.ts";

// Equal keys for matches the proxies treat alike, as the lowering normalises them: header names are
// case-insensitive, query parameter names are not (?Debug=1 and ?debug=1 are different requests).
function canonical(match: RequestMatchSpec): string {
  const sortRecord = (r: Record<string, unknown> | undefined, lowerCase: boolean) =>
    Object.entries(r ?? {}).map(([k, v]) => [lowerCase ? k.toLowerCase() : k, v]).sort();
  const methods = methodsOf(match);
  const methodSet = methods === undefined ? null : [...new Set(methods)].sort();
  return JSON.stringify([match.path ?? null, sortRecord(match.headers, true), sortRecord(match.query, false), methodSet]);
}

export const unreachableRoute: Rule = {
  name: "unreachable-route",
  scope: "service",
  check(ctx) {
    for (const service of ctx.services) {
      const routes = service.spec.routes ?? [];
      const catchAll = routes.findIndex(isCatchAll);
      const seen = new Map<string, number>();
      routes.forEach((route, r) => {
        const label = route.name ?? `#${r + 1}`;
        if (catchAll >= 0 && r > catchAll) {
          const by = routes[catchAll]?.name ?? `#${catchAll + 1}`;
          ctx.report("TM1004", service, ["routes", r],
            `route ${label} of ${service.key} can never match: route ${by} before it matches every request`,
            "move the catch-all route last");
          return;
        }
        const keys = matchesOf(route).map(canonical);
        const earlier = keys.map((k) => seen.get(k));
        if (keys.length > 0 && earlier.every((e) => e !== undefined)) {
          const by = routes[earlier[0]!]?.name ?? `#${earlier[0]! + 1}`;
          ctx.report("TM1005", service, ["routes", r, "match"],
            `route ${label} of ${service.key} can never match: route ${by} has the same match and comes first`);
        }
        keys.forEach((k) => { if (!seen.has(k)) seen.set(k, r); });
      });
    }
  },
};
