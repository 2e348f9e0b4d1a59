import assert from "node:assert/strict";
import { test } from "node:test";
import { resilienceLimits } from "./resilience-limits.ts";
import { runRule, service, site } from "./test-helpers.ts";

const outlier = { interval: "10s", baseEjectionTime: "30s", maxEjectionPercent: 50 };

test("limits below their minimum or not whole are errors stating the value", () => {
  const found = runRule(resilienceLimits, [
    service({ connectionLimits: { maxConnections: 0, maxRequests: 1.5 }, outlierDetection: { consecutive5xx: 0, ...outlier } },
      site({ "connectionLimits/maxConnections": 9, "outlierDetection/consecutive5xx": 10 })),
  ]);
  assert.deepEqual(found.map((d) => [d.code, d.severity, d.location?.line]), [["TM1022", "error", 9], ["TM1022", "error", 1], ["TM1022", "error", 10]]);
  assert.equal(found[0]?.message, "maxConnections must be a whole number ≥ 1, not 0");
  assert.equal(found[1]?.message, "maxRequests must be a whole number ≥ 1, not 1.5");
  assert.equal(found[2]?.message, "consecutive5xx must be a whole number ≥ 1, not 0");
});

test("positive limits pass, and no pending requests (0) is allowed", () => {
  assert.deepEqual(runRule(resilienceLimits, [
    service({ connectionLimits: { maxConnections: 100, maxPendingRequests: 0, maxRequests: 200 }, outlierDetection: { consecutive5xx: 5, ...outlier } }),
  ]), []);
});
