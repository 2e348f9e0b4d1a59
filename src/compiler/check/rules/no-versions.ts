// TM1012: a service with no versions has no workloads to route to.
import type { Rule } from "../rule.ts";

export const noVersions: Rule = {
  name: "no-versions",
  scope: "service",
  check(ctx) {
    for (const service of ctx.services) {
      if (Object.keys(service.spec.versions).length === 0) {
        ctx.report("TM1012", service, ["versions"], `service ${service.key} declares no versions`,
          "declare at least one, e.g. versions: { v1: {} }");
      }
    }
  },
};
