import assert from "node:assert/strict";
import { test } from "node:test";
import { unknownVersion } from "./unknown-version.ts";
import { runRule, service, site } from "./test-helpers.ts";

test("a route to an undeclared version is an error listing the declared ones", () => {
  const [d, ...rest] = runRule(unknownVersion, [
    service({ versions: { v1: {}, v2: {} }, routes: [{ to: "v3" }] }, site({ "routes/0/to": 7 })),
  ]);
  assert.deepEqual(rest, []);
  assert.equal(d?.code, "TM1001");
  assert.equal(d?.severity, "error");
  assert.equal(d?.location?.line, 7);
  assert.equal(d?.message, 'service shop/checkout has no version "v3" (declared: v1, v2)');
});

test("a split key that is not a version points at that key", () => {
  const [d] = runRule(unknownVersion, [
    service({ versions: { v1: {} }, routes: [{ split: { v1: 90, canary: 10 } }] }, site({ "routes/0/split": 5, "routes/0/split/canary": 6 })),
  ]);
  assert.equal(d?.location?.line, 6);
  assert.match(d?.message ?? "", /no version "canary"/);
});

test("routes to declared versions pass", () => {
  assert.deepEqual(runRule(unknownVersion, [service({ versions: { v1: {}, v2: {} }, routes: [{ to: "v2" }, { split: { v1: 50, v2: 50 } }] })]), []);
});
