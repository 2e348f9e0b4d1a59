import assert from "node:assert/strict";
import { test } from "node:test";
import { faultInjection } from "./fault-injection.ts";
import { runRule, service, site } from "./test-helpers.ts";

test("an abort with a status that is not an HTTP error is an error quoting it", () => {
  const [d, ...rest] = runRule(faultInjection, [
    service({ routes: [{ to: "v1", fault: { abort: { status: 200, percent: 10 } } }] }, site({ "routes/0/fault/abort/status": 16 })),
  ]);
  assert.deepEqual(rest, []);
  assert.equal(d?.code, "TM1018");
  assert.equal(d?.severity, "error");
  assert.equal(d?.location?.line, 16);
  assert.equal(d?.message, "abort status 200 is not an HTTP error status (400–599)");
});

test("a fault with neither delay nor abort is an error", () => {
  const [d] = runRule(faultInjection, [service({ routes: [{ to: "v1", fault: {} }] })]);
  assert.equal(d?.message, "fault declares neither delay nor abort");
});

test("a delay, or an abort with 503, passes", () => {
  assert.deepEqual(runRule(faultInjection, [
    service({ routes: [{ to: "v1", fault: { delay: { fixed: "200ms", percent: 50 }, abort: { status: 503, percent: 10 } } }] }),
  ]), []);
});
