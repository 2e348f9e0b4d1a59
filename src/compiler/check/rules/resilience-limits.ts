// TM1022: connection limits and outlier detection take positive whole numbers.
import type { Rule } from "../rule.ts";

export const resilienceLimits: Rule = {
  name: "resilience-limits",
  scope: "service",
  check(ctx) {
    for (const service of ctx.services) {
      const limits = service.spec.connectionLimits ?? {};
      for (const [key, value] of Object.entries(limits)) {
        const min = key === "maxPendingRequests" ? 0 : 1;
        if (!Number.isInteger(value) || value < min) {
          ctx.report("TM1022", service, ["connectionLimits", key], `${key} must be a whole number ≥ ${min}, not ${value}`);
        }
      }
      const outlier = service.spec.outlierDetection;
      if (outlier && (!Number.isInteger(outlier.consecutive5xx) || outlier.consecutive5xx < 1)) {
        ctx.report("TM1022", service, ["outlierDetection", "consecutive5xx"], `consecutive5xx must be a whole number ≥ 1, not ${outlier.consecutive5xx}`);
      }
    }
  },
};
