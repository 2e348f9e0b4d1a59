// TM1023: an ALLOW rule whose every request a DENY rule also matches grants nothing (DENY wins, as in
// Istio); usually a sign the author meant something else.
import type { Rule } from "../rule.ts";
import type { AuthzRuleSpec } from "../spec-shape.ts";

function covers(deny: AuthzRuleSpec, allow: AuthzRuleSpec): boolean {
  const subset = <T>(wide: readonly T[] | undefined, narrow: readonly T[] | undefined) =>
    wide === undefined || (narrow !== undefined && narrow.every((x) => wide.includes(x)));
  const callers = (rule: AuthzRuleSpec) => rule.from?.map((ref) => ref.$service ?? "");
  return subset(callers(deny), callers(allow)) && subset(deny.methods, allow.methods) && subset(deny.paths, allow.paths);
}

export const shadowedAllow: Rule = {
  name: "shadowed-allow",
  scope: "service",
  check(ctx) {
    for (const service of ctx.services) {
      const { allow = [], deny = [] } = service.spec.authorization ?? {};
      allow.forEach((rule, i) => {
        const j = deny.findIndex((d) => covers(d, rule));
        if (j >= 0) {
          ctx.report("TM1023", service, ["authorization", "allow", i],
            `this allow rule of ${service.key} grants nothing: deny rule #${j + 1} matches every request it allows`);
        }
      });
    }
  },
};
