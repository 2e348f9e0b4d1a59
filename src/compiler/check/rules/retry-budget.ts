// TM1007: the route timeout bounds the whole request, retries included; if every try may use its full
// per-try timeout, (1 + attempts) × perTryTimeout beyond the timeout means the later tries are cut off.
// TM1020: the retry policy itself must make sense.
import { formatDuration, parseDuration } from "../../units.ts";
import type { Rule } from "../rule.ts";

const CONDITIONS = new Set(["5xx", "gateway-error", "reset", "connect-failure"]);

export const retryBudget: Rule = {
  name: "retry-budget",
  scope: "service",
  check(ctx) {
    for (const service of ctx.services) {
      service.spec.routes?.forEach((route, r) => {
        const retries = route.retries;
        if (!retries) return;
        const at = ["routes", r, "retries"];
        if (!Number.isInteger(retries.attempts) || retries.attempts < 0 || retries.attempts > 10) {
          ctx.report("TM1020", service, [...at, "attempts"], `retry attempts must be a whole number from 0 to 10, not ${retries.attempts}`);
        }
        retries.retryOn?.forEach((condition, i) => {
          const ok = typeof condition === "number"
            ? Number.isInteger(condition) && condition >= 400 && condition <= 599
            : CONDITIONS.has(condition);
          if (!ok) {
            ctx.report("TM1020", service, [...at, "retryOn", i],
              `unknown retry condition ${JSON.stringify(condition)}: use 5xx, gateway-error, reset, connect-failure or a status code 400–599`);
          }
        });
        const base = parseDuration(retries.backoff?.base);
        const max = parseDuration(retries.backoff?.max);
        if (base !== undefined && max !== undefined && max < base) {
          ctx.report("TM1020", service, [...at, "backoff", "max"], `backoff max ${retries.backoff?.max} is below its base ${retries.backoff?.base}`);
        }
        const timeout = parseDuration(route.timeout);
        const perTry = parseDuration(retries.perTryTimeout);
        if (timeout === undefined || perTry === undefined || !Number.isInteger(retries.attempts)) return;
        const tries = retries.attempts + 1;
        if (tries * perTry > timeout) {
          ctx.report("TM1007", service, at,
            `${tries} tries × ${retries.perTryTimeout} per try = ${formatDuration(tries * perTry)} exceeds the route timeout ${route.timeout}: later tries will be cut off`,
            "raise the timeout, lower the per-try timeout or the attempts");
        }
      });
    }
  },
};
