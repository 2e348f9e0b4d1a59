// TM1026: a declared rollout must name declared, different versions, rise through weights that end at
// 100, and have gates that can be met.
import { isValidPercent, parseDuration } from "../../units.ts";
import { stableVersionOf, stepsOf } from "../rollout-plan.ts";
import type { Rule } from "../rule.ts";

export const rollout: Rule = {
  name: "rollout",
  scope: "service",
  check(ctx) {
    for (const service of ctx.services) {
      const r = service.spec.rollout;
      if (!r) continue;
      const versions = Object.keys(service.spec.versions);
      const report = (path: (string | number)[], message: string, hint?: string) => ctx.report("TM1026", service, ["rollout", ...path], message, hint);
      if (!versions.includes(r.to)) report(["to"], `rollout target "${r.to}" is not a version of ${service.key} (declared: ${versions.join(", ")})`);
      const from = stableVersionOf(service.spec, r);
      if (from === undefined) {
        report([], `rollout of ${service.key} cannot tell which version it moves traffic from`, 'say it: from: "v1"');
      } else if (!versions.includes(from)) {
        report(["from"], `rollout source "${from}" is not a version of ${service.key}`);
      } else if (from === r.to) {
        report(["from"], `rollout moves traffic from ${from} to itself`);
      }
      if (r.steps && (r.stepWeight !== undefined || r.maxWeight !== undefined)) {
        report(["steps"], "give either steps or stepWeight/maxWeight, not both");
      }
      const steps = stepsOf(r);
      const rising = steps.every((w, i) => isValidPercent(w) && w > 0 && (i === 0 || w > steps[i - 1]!));
      if (!rising || steps.at(-1) !== 100) {
        report([r.steps ? "steps" : "stepWeight"], `rollout weights ${JSON.stringify(steps)} must rise from above 0 and end at 100`);
      }
      if (parseDuration(r.interval) === undefined) report(["interval"], `invalid rollout interval ${JSON.stringify(r.interval)}`, 'e.g. "30s"');
      const { minSuccessRate, maxP99, minRequests } = r.gates;
      if (minSuccessRate !== undefined && !isValidPercent(minSuccessRate)) report(["gates", "minSuccessRate"], `minSuccessRate ${minSuccessRate} is not a percentage`);
      if (maxP99 !== undefined && !parseDuration(maxP99)) report(["gates", "maxP99"], `invalid duration ${JSON.stringify(maxP99)} for maxP99`);
      if (minRequests !== undefined && (!Number.isInteger(minRequests) || minRequests < 0)) report(["gates", "minRequests"], "minRequests must be a whole number ≥ 0");
      if (minSuccessRate === undefined && maxP99 === undefined) report(["gates"], "a rollout needs at least one gate (minSuccessRate or maxP99)", "without gates nothing can stop a bad version");
      if (r.failureThreshold !== undefined && (!Number.isInteger(r.failureThreshold) || r.failureThreshold < 0)) report(["failureThreshold"], "failureThreshold must be a whole number ≥ 0");
    }
  },
};
