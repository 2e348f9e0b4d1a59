// TM3007 for every regular expression a route matches with: one the target's engine cannot compile, or
// (where the target leaves regex matching to the implementation) any user-written expression at all.
import type { RouteIR, ServiceIR } from "../../../ir/schema.ts";
import { re2Incompatibility } from "./regex.ts";
import type { TargetReport } from "./report.ts";

export function reportRegexes(service: ServiceIR, route: RouteIR, report: TargetReport, implementationSpecific: boolean): void {
  for (const match of route.matches) {
    const regexes = [match.path, ...match.headers.map((h) => h.match), ...match.query.map((q) => q.match)]
      .filter((m) => m?.kind === "regex")
      .map((m) => m!.value);
    for (const regex of regexes) {
      const missing = re2Incompatibility(regex);
      if (missing) {
        report.report("TM3007", route.source, `route ${route.name} of ${service.id}: /${regex}/ uses ${missing}, which the target's regex engine lacks`, "rewrite the expression without look-around or back-references");
      } else if (implementationSpecific) {
        report.report("TM3007", route.source, `route ${route.name} of ${service.id}: RegularExpression matches are implementation-specific in Gateway API (engine and syntax); /${regex}/ is written anchored to the whole value`);
      }
    }
  }
}
