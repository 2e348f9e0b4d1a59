// TM1019: without a catch-all route, requests that match no route get 404 (as with Istio); usually an
// oversight, so it is a warning. A service with no routes at all is fine: it balances over every version.
import { isCatchAll } from "../context.ts";
import type { Rule } from "../rule.ts";

export const missingCatchAll: Rule = {
  name: "missing-catch-all",
  scope: "service",
  check(ctx) {
    for (const service of ctx.services) {
      const routes = service.spec.routes ?? [];
      if (routes.length > 0 && !routes.some(isCatchAll)) {
        ctx.report("TM1019", service, ["routes"], `no route of ${service.key} matches every request: unmatched requests get 404`,
          "add a last route without `match`");
      }
    }
  },
};
