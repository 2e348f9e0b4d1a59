// TM1018: an abort fault needs an HTTP error status, and a fault needs at least one of delay or abort.
import type { Rule } from "../rule.ts";

export const faultInjection: Rule = {
  name: "fault-injection",
  scope: "service",
  check(ctx) {
    for (const service of ctx.services) {
      service.spec.routes?.forEach((route, r) => {
        const fault = route.fault;
        if (!fault) return;
        if (!fault.delay && !fault.abort) {
          ctx.report("TM1018", service, ["routes", r, "fault"], "fault declares neither delay nor abort");
        }
        const status = fault.abort?.status;
        if (status !== undefined && (!Number.isInteger(status) || status < 400 || status > 599)) {
          ctx.report("TM1018", service, ["routes", r, "fault", "abort", "status"], `abort status ${status} is not an HTTP error status (400–599)`);
        }
      });
    }
  },
};
