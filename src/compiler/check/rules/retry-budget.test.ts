import assert from "node:assert/strict";
import { test } from "node:test";
import { retryBudget } from "./retry-budget.ts";
import { runRule, service, site } from "./test-helpers.ts";

test("tries that cannot fit in the route timeout are a warning with the arithmetic", () => {
  const [d, ...rest] = runRule(retryBudget, [
    service({
      routes: [{ match: { method: "GET" }, to: "v1", timeout: "1s", retries: { attempts: 3, perTryTimeout: "400ms" } }, { to: "v1" }],
    }, site({ "routes/0/retries": 15 })),
  ]);
  assert.deepEqual(rest, []);
  assert.equal(d?.code, "TM1007");
  assert.equal(d?.severity, "warning");
  assert.equal(d?.location?.line, 15);
  assert.match(d?.message ?? "", /4 tries × 400ms per try = 1\.6s exceeds the route timeout 1s/);
});

test("a retry budget within the timeout passes, as do retries without a timeout", () => {
  const routes = [
    { match: { method: "GET" }, to: "v1", timeout: "1s", retries: { attempts: 1, perTryTimeout: "400ms" } },
    { to: "v1", retries: { attempts: 2, perTryTimeout: "400ms" } },
  ];
  assert.deepEqual(runRule(retryBudget, [service({ routes })]), []);
});

test("attempts out of 0–10, unknown conditions and a backoff cap below its base are TM1020", () => {
  const found = runRule(retryBudget, [
    service({
      routes: [{
        to: "v1",
        retries: { attempts: 11, retryOn: ["5xx", 302, "timeout"], backoff: { base: "100ms", max: "50ms" } },
      }],
    }, site({ "routes/0/retries/attempts": 3, "routes/0/retries/retryOn/1": 4, "routes/0/retries/retryOn/2": 4, "routes/0/retries/backoff/max": 5 })),
  ]);
  assert.deepEqual(found.map((d) => [d.code, d.severity, d.location?.line]), [
    ["TM1020", "error", 3], ["TM1020", "error", 4], ["TM1020", "error", 4], ["TM1020", "error", 5],
  ]);
  assert.match(found[0]?.message ?? "", /from 0 to 10, not 11/);
  assert.match(found[1]?.message ?? "", /unknown retry condition 302/);
  assert.match(found[2]?.message ?? "", /unknown retry condition "timeout"/);
  assert.match(found[3]?.message ?? "", /backoff max 50ms is below its base 100ms/);
});

test("listed status codes and every named condition pass", () => {
  const retries = { attempts: 2, retryOn: ["5xx", "gateway-error", "reset", "connect-failure", 503, 429] };
  assert.deepEqual(runRule(retryBudget, [service({ routes: [{ to: "v1", retries }] })]), []);
});
