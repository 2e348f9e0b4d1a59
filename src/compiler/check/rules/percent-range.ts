// TM1011: fault, mirror and outlier percentages are 0–100 with at most three decimals.
import { isValidPercent } from "../../units.ts";
import type { Rule } from "../rule.ts";

export const percentRange: Rule = {
  name: "percent-range",
  scope: "service",
  check(ctx) {
    for (const service of ctx.services) {
      const checks: [unknown, (string | number)[]][] = [];
      service.spec.routes?.forEach((route, r) => {
        if (route.fault?.delay) checks.push([route.fault.delay.percent, ["routes", r, "fault", "delay", "percent"]]);
        if (route.fault?.abort) checks.push([route.fault.abort.percent, ["routes", r, "fault", "abort", "percent"]]);
        if (route.mirror?.percent !== undefined) checks.push([route.mirror.percent, ["routes", r, "mirror", "percent"]]);
      });
      const outlier = service.spec.outlierDetection;
      if (outlier) checks.push([outlier.maxEjectionPercent, ["outlierDetection", "maxEjectionPercent"]]);
      for (const [value, path] of checks) {
        if (!isValidPercent(value)) {
          ctx.report("TM1011", service, path, `${String(path.at(-2))} percent ${String(value)} must be from 0 to 100 with at most 3 decimals`);
        }
      }
    }
  },
};
