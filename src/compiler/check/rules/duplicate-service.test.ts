import assert from "node:assert/strict";
import { test } from "node:test";
import { duplicateService } from "./duplicate-service.ts";
import { runRule, service, site } from "./test-helpers.ts";

test("a second definition of one service is an error that points at the first", () => {
  const first = service({}, site({}, "checkout.policy.ts"));
  const second = service({ versions: { v1: {}, v2: {} } }, { at: { file: "canary.policy.ts", line: 4, column: 1 }, locations: {} });
  const [d, ...rest] = runRule(duplicateService, [first, second]);
  assert.deepEqual(rest, []);
  assert.equal(d?.code, "TM1003");
  assert.equal(d?.severity, "error");
  assert.equal(d?.location?.file, "canary.policy.ts");
  assert.equal(d?.message, "service shop/checkout is already defined at checkout.policy.ts:1");
});

test("one name in two namespaces is two services", () => {
  assert.deepEqual(runRule(duplicateService, [service({ namespace: "shop" }), service({ namespace: "staging" })]), []);
});
