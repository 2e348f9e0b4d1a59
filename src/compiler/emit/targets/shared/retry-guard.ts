// typemesh never retries POST or PATCH unless a route says `retryNonIdempotent: true`; Istio and Linkerd
// retry whatever the route carries. So a retrying route that may carry those methods is emitted as two:
// first a guard route for just POST/PATCH without retries, then the route itself. Both targets pick the
// guard first (Istio by order, Linkerd because a method match outranks none on the same path).
import type { HttpMethodIR, MatchIR, RouteIR } from "../../../ir/schema.ts";

const NON_IDEMPOTENT: HttpMethodIR[] = ["PATCH", "POST"];

export interface PlannedRoute {
  /** Unique within the service: the declared name, or `<name>-no-retry` for a guard. */
  name: string;
  route: RouteIR;
  /** The declared route this one comes from (diagnostics point at its source). */
  declared: RouteIR;
}

function retriesNonIdempotentBlindly(route: RouteIR): boolean {
  return Boolean(route.retries && route.retries.attempts > 0 && !route.retries.retryNonIdempotent);
}

export function guardNonIdempotentRetries(routes: readonly RouteIR[]): PlannedRoute[] {
  return routes.flatMap((route): PlannedRoute[] => {
    if (!retriesNonIdempotentBlindly(route)) return [{ name: route.name, route, declared: route }];
    const matches: MatchIR[] = route.matches.length > 0 ? route.matches : [{ headers: [], query: [] }];
    const guard: MatchIR[] = [];
    const kept: MatchIR[] = [];
    for (const match of matches) {
      const listed = match.methods ?? NON_IDEMPOTENT;
      const risky = listed.filter((m) => NON_IDEMPOTENT.includes(m));
      if (risky.length > 0) guard.push({ ...match, methods: risky });
      if (!match.methods) kept.push(match);
      else {
        const safe = match.methods.filter((m) => !NON_IDEMPOTENT.includes(m));
        if (safe.length > 0) kept.push({ ...match, methods: safe });
      }
    }
    if (guard.length === 0) return [{ name: route.name, route, declared: route }];
    const { retries: _dropped, ...unretried } = route;
    const out: PlannedRoute[] = [{ name: `${route.name}-no-retry`, route: { ...unretried, matches: guard }, declared: route }];
    const catchAll = route.matches.length === 0;
    if (kept.length > 0) out.push({ name: route.name, route: { ...route, matches: catchAll ? [] : kept }, declared: route });
    return out;
  });
}
