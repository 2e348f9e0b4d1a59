// TM1008: retrying POST or PATCH can repeat side effects (Istio's default retries caused double
// payments). A route that may carry such a method and retries needs `retryNonIdempotent: true`.
import { matchesOf, methodsOf } from "../context.ts";
import type { Rule } from "../rule.ts";

const NON_IDEMPOTENT = ["POST", "PATCH"];

export const nonIdempotentRetry: Rule = {
  name: "non-idempotent-retry",
  scope: "service",
  check(ctx) {
    for (const service of ctx.services) {
      service.spec.routes?.forEach((route, r) => {
        if (!route.retries || route.retries.attempts === 0 || route.retries.retryNonIdempotent) return;
        const matches = matchesOf(route);
        const methods = matches.length === 0 ? undefined : matches.map(methodsOf);
        const mayCarry = methods === undefined || methods.some((m) => m === undefined)
          ? NON_IDEMPOTENT
          : NON_IDEMPOTENT.filter((method) => methods.some((m) => m?.includes(method)));
        if (mayCarry.length === 0) return;
        ctx.report("TM1008", service, ["routes", r, "retries"],
          `route ${route.name ?? `#${r + 1}`} of ${service.key} retries ${mayCarry.join(" and ")} requests, which may repeat side effects`,
          "restrict the route to idempotent methods, or set retryNonIdempotent: true if repeats are safe");
      });
    }
  },
};
