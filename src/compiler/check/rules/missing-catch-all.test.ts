import assert from "node:assert/strict";
import { test } from "node:test";
import { missingCatchAll } from "./missing-catch-all.ts";
import { runRule, service, site } from "./test-helpers.ts";

test("routes that all match something are a warning: the rest gets 404", () => {
  const [d, ...rest] = runRule(missingCatchAll, [
    service({ routes: [{ match: { path: { prefix: "/cart" } }, to: "v1" }] }, site({ routes: 9 })),
  ]);
  assert.deepEqual(rest, []);
  assert.equal(d?.code, "TM1019");
  assert.equal(d?.severity, "warning");
  assert.equal(d?.location?.line, 9);
  assert.equal(d?.message, "no route of shop/checkout matches every request: unmatched requests get 404");
});

test("a last route without match, or no routes at all, passes", () => {
  assert.deepEqual(runRule(missingCatchAll, [service({ routes: [{ match: { method: "GET" }, to: "v1" }, { to: "v1" }] })]), []);
  assert.deepEqual(runRule(missingCatchAll, [service({})]), []);
});
