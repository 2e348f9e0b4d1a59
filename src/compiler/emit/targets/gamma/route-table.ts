// A service's route table as Gateway-API-style rules (shared by the gateway-api and linkerd targets):
// each planned route's atoms after the ordering pass, plus the diagnostics every such target owes —
// order it cannot keep, PathPrefix's segment semantics, and regular expressions that may not carry over.
import type { ServiceIR } from "../../../ir/schema.ts";
import type { PlannedRoute } from "../shared/retry-guard.ts";
import { reportRegexes } from "../shared/regex-report.ts";
import type { TargetReport } from "../shared/report.ts";
import { atomsOfRoute, type Atom } from "./atoms.ts";
import { preserveFirstMatch, type OrderTie } from "./order.ts";
import type { PrecedenceModel } from "./precedence.ts";

export interface GammaRoute { planned: PlannedRoute; atoms: Atom[] }

const WHY = {
  "regex-rank": "Gateway API leaves the rank of a RegularExpression path match to the implementation",
  "no-single-match": "their overlap compares one value with two expressions, which a single match cannot say",
  "too-many-matches": "keeping the order needs more matches than typemesh allows one route",
} as const;

function reportPrefixes(service: ServiceIR, planned: PlannedRoute, report: TargetReport): void {
  for (const match of planned.route.matches) {
    const path = match.path;
    if (path?.kind !== "prefix" || path.value === "/") continue;
    const base = path.value.replace(/\/+$/, "");
    report.report("TM3006", planned.declared.source,
      `route ${planned.declared.name} of ${service.id}: PathPrefix "${path.value}" matches whole path segments ("${base}" and "${base}/…"), not every path that starts with "${path.value}"`,
      "use an exact path, or a prefix whose differing paths do not matter");
  }
}

export function gammaRouteTable(
  service: ServiceIR,
  planned: readonly PlannedRoute[],
  report: TargetReport,
  options: { model: PrecedenceModel; userRegexIsSpecific: boolean; routePerResource: boolean },
): { routes: GammaRoute[]; ties: OrderTie[] } {
  const ordered = preserveFirstMatch(planned.map((p) => atomsOfRoute(p.route)), options.model, options.routePerResource);
  for (const p of planned) {
    reportPrefixes(service, p, report);
    reportRegexes(service, p.declared, report, options.userRegexIsSpecific);
  }
  for (const { earlier, later, why } of ordered.problems) {
    const a = planned[earlier]!;
    const b = planned[later]!;
    if (a.declared === b.declared) continue; // two halves of one declared route send to the same place
    report.report("TM3005", a.declared.source,
      `route ${a.declared.name} of ${service.id} is declared before route ${b.declared.name}, but requests matching both may go to ${b.declared.name}: ${WHY[why]}`,
      "make the two routes' matches disjoint (by method, header or an exact path)");
  }
  return { routes: planned.map((p, i) => ({ planned: p, atoms: ordered.atoms[i]! })), ties: ordered.ties };
}
