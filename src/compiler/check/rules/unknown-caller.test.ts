import assert from "node:assert/strict";
import { test } from "node:test";
import { unknownCaller } from "./unknown-caller.ts";
import { ref, runRule, service, site } from "./test-helpers.ts";

const frontend = service({ name: "frontend" });

test("an allow rule naming a service the mesh does not declare is an error naming it", () => {
  const catalog = service({ name: "catalog", authorization: { allow: [{ from: [ref("shop/frontend"), ref("batch/nightly-export")] }] } },
    site({ "authorization/allow/0/from/1": 15 }));
  const [d, ...rest] = runRule(unknownCaller, [frontend, catalog]);
  assert.deepEqual(rest, []);
  assert.equal(d?.code, "TM1009");
  assert.equal(d?.severity, "error");
  assert.equal(d?.location?.line, 15);
  assert.match(d?.message ?? "", /allow rule of shop\/catalog names unknown service batch\/nightly-export/);
});

test("something that is not a service at all says what it was", () => {
  const catalog = service({ name: "catalog", authorization: { deny: [{ from: [{ $invalid: "function threw: ReferenceError: x" }] }] } });
  const [d] = runRule(unknownCaller, [catalog]);
  assert.match(d?.message ?? "", /deny rule names something that is not a service \(function threw: ReferenceError: x\)/);
});

test("declared callers pass", () => {
  const catalog = service({ name: "catalog", authorization: { allow: [{ from: [ref("shop/frontend")] }], deny: [{ from: [ref("shop/catalog")] }] } });
  assert.deepEqual(runRule(unknownCaller, [frontend, catalog]), []);
});
