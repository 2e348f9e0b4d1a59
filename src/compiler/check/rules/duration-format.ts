// TM1013: every duration is a positive whole number of milliseconds written as "250ms", "2s", "1m".
import { parseDuration } from "../../units.ts";
import type { Rule } from "../rule.ts";

export const durationFormat: Rule = {
  name: "duration-format",
  scope: "service",
  check(ctx) {
    for (const service of ctx.services) {
      const durations: [string | undefined, (string | number)[]][] = [];
      service.spec.routes?.forEach((route, r) => {
        durations.push([route.timeout, ["routes", r, "timeout"]]);
        durations.push([route.retries?.perTryTimeout, ["routes", r, "retries", "perTryTimeout"]]);
        durations.push([route.retries?.backoff?.base, ["routes", r, "retries", "backoff", "base"]]);
        durations.push([route.retries?.backoff?.max, ["routes", r, "retries", "backoff", "max"]]);
        durations.push([route.fault?.delay?.fixed, ["routes", r, "fault", "delay", "fixed"]]);
      });
      durations.push([service.spec.outlierDetection?.interval, ["outlierDetection", "interval"]]);
      durations.push([service.spec.outlierDetection?.baseEjectionTime, ["outlierDetection", "baseEjectionTime"]]);
      for (const [text, path] of durations) {
        if (text === undefined) continue;
        const ms = parseDuration(text);
        if (ms === undefined || (ms === 0 && path.at(-1) !== "fixed")) {
          ctx.report("TM1013", service, path, `invalid duration ${JSON.stringify(text)} for ${String(path.at(-1))}`,
            'write a positive whole number of milliseconds as "250ms", "2s", "1m" or "1h"');
        }
      }
    }
  },
};
