import assert from "node:assert/strict";
import { test } from "node:test";
import { durationFormat } from "./duration-format.ts";
import { runRule, service, site } from "./test-helpers.ts";

test("a malformed or zero duration is an error quoting it and naming the field", () => {
  const found = runRule(durationFormat, [
    service({
      routes: [
        { match: { method: "GET" }, to: "v1", timeout: "2 s", retries: { attempts: 1, perTryTimeout: "0.5ms" } },
        { to: "v1", timeout: "0s" },
      ],
      outlierDetection: { consecutive5xx: 5, interval: "1e3ms", baseEjectionTime: "30s", maxEjectionPercent: 50 },
    }, site({ "routes/0/timeout": 9, "routes/1/timeout": 12 })),
  ]);
  assert.deepEqual(found.map((d) => [d.code, d.severity]), Array(4).fill(["TM1013", "error"]));
  assert.equal(found[0]?.message, 'invalid duration "2 s" for timeout');
  assert.equal(found[0]?.location?.line, 9);
  assert.equal(found[1]?.message, 'invalid duration "0.5ms" for perTryTimeout');
  assert.equal(found[2]?.message, 'invalid duration "0s" for timeout');
  assert.equal(found[2]?.location?.line, 12);
  assert.equal(found[3]?.message, 'invalid duration "1e3ms" for interval');
  assert.match(found[0]?.hint ?? "", /"250ms", "2s", "1m" or "1h"/);
});

test("whole milliseconds in any unit pass, and a fixed delay may be 0", () => {
  assert.deepEqual(runRule(durationFormat, [
    service({
      routes: [{
        to: "v1", timeout: "1.5s",
        retries: { attempts: 1, perTryTimeout: "250ms", backoff: { base: "25ms", max: "1m" } },
        fault: { delay: { fixed: "0ms", percent: 10 } },
      }],
      outlierDetection: { consecutive5xx: 5, interval: "10s", baseEjectionTime: "1h", maxEjectionPercent: 50 },
    }),
  ]), []);
});
