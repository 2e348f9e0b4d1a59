import assert from "node:assert/strict";
import { test } from "node:test";
import { percentRange } from "./percent-range.ts";
import { ref, runRule, service, site } from "./test-helpers.ts";

test("fault, mirror and ejection percentages outside 0–100 or with 4 decimals are errors", () => {
  const found = runRule(percentRange, [
    service({
      routes: [
        { match: { method: "GET" }, to: "v1", fault: { abort: { status: 503, percent: 150 }, delay: { fixed: "1s", percent: -1 } } },
        { to: "v1", mirror: { to: ref("shop/payments"), percent: 0.0001 } },
      ],
      outlierDetection: { consecutive5xx: 5, interval: "10s", baseEjectionTime: "30s", maxEjectionPercent: 101 },
    }, site({ "routes/0/fault/abort/percent": 14 })),
  ]);
  assert.deepEqual(found.map((d) => [d.code, d.severity]), [["TM1011", "error"], ["TM1011", "error"], ["TM1011", "error"], ["TM1011", "error"]]);
  assert.equal(found[1]?.location?.line, 14);
  assert.equal(found[1]?.message, "abort percent 150 must be from 0 to 100 with at most 3 decimals");
  assert.match(found[0]?.message ?? "", /delay percent -1/);
  assert.match(found[2]?.message ?? "", /mirror percent 0\.0001/);
  assert.match(found[3]?.message ?? "", /maxEjectionPercent|outlierDetection/);
});

test("percentages from 0 to 100 with up to 3 decimals pass", () => {
  assert.deepEqual(runRule(percentRange, [
    service({ routes: [{ to: "v1", fault: { abort: { status: 503, percent: 0.125 } }, mirror: { to: ref("shop/payments"), percent: 100 } }] }),
  ]), []);
});
