// What a compile session keeps between compiles for the phases after loading (check, lower, validate):
// each phase's results per declaration, reused while the load side hands the declaration over as the
// same objects. Same results as without it; see check/check-cache.ts, lower/lower-cache.ts and
// ir/validate-cache.ts for what each phase keeps and when it is stale.
import { createCheckCache, type CheckCache, type CheckStats } from "./check/check-cache.ts";
import { createValidateCache, type ValidateCache, type ValidateStats } from "./ir/validate-cache.ts";
import { createLowerCache, type LowerCache, type LowerStats } from "./lower/lower-cache.ts";

export interface PhaseCache {
  check: CheckCache;
  lower: LowerCache;
  validate: ValidateCache;
}

export function createPhaseCache(): PhaseCache {
  return { check: createCheckCache(), lower: createLowerCache(), validate: createValidateCache() };
}

/** What the last compile did and reused, phase by phase (lower and validate only run without errors). */
export function phaseStats(cache: PhaseCache): { check: CheckStats; lower: LowerStats; validate: ValidateStats } {
  return { check: cache.check.stats, lower: cache.lower.stats, validate: cache.validate.stats };
}
