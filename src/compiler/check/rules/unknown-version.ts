// TM1001: a route's `to` or split key must be one of the service's declared versions.
import { destinationsOf } from "../context.ts";
import type { Rule } from "../rule.ts";

export const unknownVersion: Rule = {
  name: "unknown-version",
  scope: "service",
  check(ctx) {
    for (const service of ctx.services) {
      const declared = Object.keys(service.spec.versions);
      service.spec.routes?.forEach((route, r) => {
        for (const [version] of destinationsOf(route)) {
          if (declared.includes(version)) continue;
          const path = route.to !== undefined ? ["routes", r, "to"] : ["routes", r, "split", version];
          ctx.report("TM1001", service, path,
            `service ${service.key} has no version "${version}" (declared: ${declared.join(", ") || "none"})`);
        }
      });
    }
  },
};
