// Every semantic rule, in the order their diagnostics are easiest to read (structure before details).
import type { Rule } from "../rule.ts";
import { duplicateService } from "./duplicate-service.ts";
import { durationFormat } from "./duration-format.ts";
import { faultInjection } from "./fault-injection.ts";
import { headerChanges } from "./header-changes.ts";
import { invalidRegex } from "./invalid-regex.ts";
import { matchShape } from "./match-shape.ts";
import { meshDefaults } from "./mesh-defaults.ts";
import { mirrorTarget } from "./mirror-target.ts";
import { missingCatchAll } from "./missing-catch-all.ts";
import { noVersions } from "./no-versions.ts";
import { nonIdempotentRetry } from "./non-idempotent-retry.ts";
import { percentRange } from "./percent-range.ts";
import { resilienceLimits } from "./resilience-limits.ts";
import { retryBudget } from "./retry-budget.ts";
import { rollout } from "./rollout.ts";
import { serviceIdentity } from "./service-identity.ts";
import { shadowedAllow } from "./shadowed-allow.ts";
import { splitSum } from "./split-sum.ts";
import { unknownCaller } from "./unknown-caller.ts";
import { unknownVersion } from "./unknown-version.ts";
import { unreachableRoute } from "./unreachable-route.ts";

export const rules: readonly Rule[] = [
  meshDefaults, duplicateService, serviceIdentity, noVersions, unknownVersion, splitSum, matchShape,
  invalidRegex, unreachableRoute, missingCatchAll, durationFormat, retryBudget, nonIdempotentRetry,
  faultInjection, percentRange, mirrorTarget, headerChanges, resilienceLimits, unknownCaller, shadowedAllow, rollout,
];
