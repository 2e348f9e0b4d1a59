// An independent reading of how an HTTPRoute set routes a request, in two models: the Gateway API spec
// (Exact over the longest PathPrefix, then method, headers, query; a RegularExpression path's rank is
// the implementation's, so it is tried both highest and lowest) and linkerd2-proxy's http-route crate
// (paths ranked by matched length). Ties go to the earlier rule; a tie between resources is ambiguous.
import type { RequestFacts } from "../../../src/compiler/simulate/match-request.ts";

export type GammaModel = "gateway-regex-high" | "gateway-regex-low" | "linkerd";

export interface HttpRouteObject {
  metadata: { name: string; annotations?: Record<string, string> };
  spec: { parentRefs: { kind: string; name: string }[]; rules: { matches?: any[]; backendRefs?: any[]; filters?: any[]; timeouts?: { request?: string } }[] };
}

export interface Picked { route: HttpRouteObject; rule: HttpRouteObject["spec"]["rules"][number] }

const whole = (pattern: string, value: string) => new RegExp(`^(?:${pattern})$`).test(value);

function pathScore(path: { type: string; value: string } | undefined, requestPath: string, model: GammaModel): number[] | undefined {
  const p = path ?? { type: "PathPrefix", value: "/" };
  if (p.type === "Exact") return p.value === requestPath ? (model === "linkerd" ? [p.value.length] : [3, 0]) : undefined;
  if (p.type === "RegularExpression") {
    if (!whole(p.value, requestPath)) return undefined;
    return model === "linkerd" ? [requestPath.length] : [model === "gateway-regex-high" ? 4 : 0, 0];
  }
  if (p.value === "/") return model === "linkerd" ? [1] : [1, 1];
  const prefix = p.value.replace(/\/+$/, "");
  const rest = requestPath.replace(/\/+$/, "");
  if (!(rest === prefix || rest.startsWith(`${prefix}/`))) return undefined;
  return model === "linkerd" ? [prefix.length] : [1, p.value.length];
}

function valueMatches(m: { type?: string; value: string }, actual: string | undefined): boolean {
  if (actual === undefined) return false;
  return (m.type ?? "Exact") === "Exact" ? actual === m.value : whole(m.value, actual);
}

function score(match: any, r: RequestFacts, model: GammaModel): number[] | undefined {
  if (match.method && match.method !== r.method) return undefined;
  const path = pathScore(match.path, r.path, model);
  if (!path) return undefined;
  const headers = match.headers ?? [];
  const query = match.queryParams ?? [];
  if (!headers.every((h: any) => valueMatches(h, r.headers[h.name.toLowerCase()]))) return undefined;
  if (!query.every((q: any) => valueMatches(q, r.query[q.name]))) return undefined;
  return [...path, match.method ? 1 : 0, headers.length, query.length];
}

function compare(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

/** The rule a request lands on, undefined when none matches, "ambiguous" for a tie between resources. */
export function pickRule(routes: readonly HttpRouteObject[], r: RequestFacts, model: GammaModel): Picked | undefined | "ambiguous" {
  let best: { s: number[]; picked: Picked } | undefined;
  let tiedAcross = false;
  for (const route of routes) {
    for (const rule of route.spec.rules) {
      const matches = rule.matches && rule.matches.length > 0 ? rule.matches : [{}];
      const scores = matches.map((m) => score(m, r, model)).filter((s): s is number[] => s !== undefined);
      if (scores.length === 0) continue;
      const s = scores.reduce((a, b) => (compare(b, a) > 0 ? b : a));
      if (!best || compare(s, best.s) > 0) { best = { s, picked: { route, rule } }; tiedAcross = false; }
      else if (compare(s, best.s) === 0 && best.picked.route !== route) tiedAcross = true;
    }
  }
  if (tiedAcross) return "ambiguous";
  return best?.picked;
}

/** GEP-2257 durations back to milliseconds. */
export function parseGatewayDuration(text: string): number {
  const units: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 };
  let total = 0;
  for (const [, n, unit] of text.matchAll(/(\d+)(ms|h|m|s)/g)) total += Number(n) * units[unit!]!;
  return total;
}
