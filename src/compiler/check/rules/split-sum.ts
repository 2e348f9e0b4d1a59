// TM1002: split weights are percentages that sum to exactly 100; TM1017 when a route sends nowhere.
import { isValidPercent } from "../../units.ts";
import type { Rule } from "../rule.ts";

export const splitSum: Rule = {
  name: "split-sum",
  scope: "service",
  check(ctx) {
    for (const service of ctx.services) {
      service.spec.routes?.forEach((route, r) => {
        if (route.to !== undefined && route.split !== undefined) {
          ctx.report("TM1017", service, ["routes", r], "route has both `to` and `split`: choose one");
          return;
        }
        if (route.to === undefined && route.split === undefined) {
          ctx.report("TM1017", service, ["routes", r], "route has neither `to` nor `split`: where should requests go?");
          return;
        }
        if (!route.split) return;
        const entries = Object.entries(route.split);
        if (entries.length === 0) {
          ctx.report("TM1017", service, ["routes", r, "split"], "split names no versions");
          return;
        }
        for (const [version, weight] of entries) {
          if (!isValidPercent(weight)) {
            ctx.report("TM1011", service, ["routes", r, "split", version],
              `split weight ${weight} for "${version}" must be a percentage from 0 to 100 (at most 3 decimals)`);
          }
        }
        // Sum in thousandths so that 33.333 + 33.333 + 33.334 is exactly 100.
        const sum = entries.reduce((total, [, weight]) => total + Math.round(weight * 1000), 0) / 1000;
        if (sum !== 100) {
          ctx.report("TM1002", service, ["routes", r, "split"],
            `split weights of ${service.key} route ${route.name ?? `#${r + 1}`} sum to ${sum}, not 100`,
            "weights are percentages: make them add up to exactly 100");
        }
      });
    }
  },
};
