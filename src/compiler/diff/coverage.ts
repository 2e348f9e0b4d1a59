// Which route takes a request: coverage between matches, decided on the IR alone (no request needed).
// "e covers m" means every request m matches, e matches too; then a route of m after one of e is dead.
import type { MatchIR, RouteIR, ServiceIR } from "../ir/schema.ts";

/** A route that no request can reach: an earlier route's match covers all of its matches. */
export function unreachableRoutes(service: ServiceIR): { route: RouteIR; by: RouteIR }[] {
  const found: { route: RouteIR; by: RouteIR }[] = [];
  service.routes.forEach((route, i) => {
    if (route.matches.length === 0) {
      const by = service.routes.slice(0, i).find((r) => r.matches.length === 0);
      if (by) found.push({ route, by });
      return;
    }
    const by = service.routes.slice(0, i).find((earlier) => route.matches.every((m) => earlier.matches.length === 0 || earlier.matches.some((e) => covers(e, m))));
    if (by) found.push({ route, by });
  });
  return found;
}

export function covers(e: MatchIR, m: MatchIR): boolean {
  if (e.methods && (!m.methods || m.methods.some((x) => !e.methods!.includes(x)))) return false;
  if (e.path) {
    if (!m.path || m.path.kind === "regex") { if (JSON.stringify(e.path) !== JSON.stringify(m.path)) return false; }
    else if (e.path.kind === "exact" && !(m.path.kind === "exact" && m.path.value === e.path.value)) return false;
    else if (e.path.kind === "prefix" && !m.path.value.startsWith(e.path.value)) return false;
    else if (e.path.kind === "regex") return false;
  }
  const sameOrPresent = (list: typeof e.headers, other: typeof m.headers) => list.every((h) => other.some((o) => o.name === h.name && (h.match.kind === "present" || JSON.stringify(o.match) === JSON.stringify(h.match))));
  return sameOrPresent(e.headers, m.headers) && sameOrPresent(e.query, m.query);
}


/** The first route that takes every request `route` matches, if any: its successor once it is gone. */
export function firstCovering(routes: readonly RouteIR[], route: RouteIR): RouteIR | undefined {
  return routes.find((r) => r.name !== route.name && (r.matches.length === 0 || (route.matches.length > 0 && route.matches.every((m) => r.matches.some((e) => covers(e, m))))));
}
