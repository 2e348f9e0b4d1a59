// TM1009: an authorization rule may only name services the mesh declares; anything else (a stale
// reference, a function returning something else) would silently never match.
import type { Rule } from "../rule.ts";

export const unknownCaller: Rule = {
  name: "unknown-caller",
  scope: "universe", // reads the other services' keys
  check(ctx) {
    for (const service of ctx.services) {
      for (const action of ["allow", "deny"] as const) {
        service.spec.authorization?.[action]?.forEach((rule, i) => {
          rule.from?.forEach((ref, j) => {
            const path = ["authorization", action, i, "from", j];
            if (ref.$service === undefined) {
              ctx.report("TM1009", service, path, `authorization ${action} rule names something that is not a service${ref.$invalid ? ` (${ref.$invalid})` : ""}`);
            } else if (!ctx.byKey.has(ref.$service)) {
              ctx.report("TM1009", service, path, `authorization ${action} rule of ${service.key} names unknown service ${ref.$service}`,
                "define the service in a policy file, or remove it from the rule");
            }
          });
        });
      }
    }
  },
};
