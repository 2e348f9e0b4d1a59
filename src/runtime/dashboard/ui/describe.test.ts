import assert from "node:assert/strict";
import { test } from "node:test";
import { describeFault, describeHeaders, describeMatch as reportMatch, describeMirror } from "../../../compiler/diff/describe.ts";
import type { RouteIR } from "../../../compiler/ir/schema.ts";
import { describeExtras, describeMatches } from "./describe.ts";

const source = { file: "catalog.policy.ts", line: 12, column: 3 };

const chaos: RouteIR = {
  name: "chaos",
  matches: [{ path: { kind: "prefix", value: "/products/" }, headers: [{ name: "x-chaos", match: { kind: "prefix", value: "on" } }], query: [], methods: ["GET"] }],
  destinations: [{ version: "v1", weight: 100 }],
  fault: { delay: { fixedMs: 200, percent: 50 }, abort: { status: 503, percent: 10 } },
  mirror: { service: "shop/analytics", version: "v2", percent: 20 },
  requestHeaders: { set: { "x-route": "chaos" }, add: {}, remove: ["x-debug"] },
  responseHeaders: { set: {}, add: { "x-served-by": "mesh" }, remove: [] },
  source,
};

test("the service view reads a route's matches and extras in the impact report's words", () => {
  assert.deepEqual(describeMatches(chaos), ["GET /products/* header x-chaos ^= on"]);
  assert.equal(describeMatches(chaos)[0], reportMatch(chaos.matches[0]!));
  assert.deepEqual(describeExtras(chaos), [
    "delay 200ms for 50%, abort 503 for 10%",
    "mirror 20% to shop/analytics v2",
    "request set x-route: chaos",
    "request remove x-debug",
    "response add x-served-by: mesh",
  ]);
  // The report's one-line forms are the same phrases.
  assert.equal(describeFault(chaos.fault), describeExtras(chaos)[0]);
  assert.equal(`mirror ${describeMirror(chaos.mirror)}`, describeExtras(chaos)[1]);
  assert.equal(describeHeaders(chaos), describeExtras(chaos).slice(2).join("; "));
});

test("a plain catch-all route has no extras, and the report says none", () => {
  const plain: RouteIR = { name: "default", matches: [], destinations: [{ version: "v1", weight: 100 }], source };
  assert.deepEqual(describeMatches(plain), ["every request (catch-all)"]);
  assert.deepEqual(describeExtras(plain), []);
  assert.equal(describeFault(plain.fault), "none");
  assert.equal(describeMirror(plain.mirror), "none");
  assert.equal(describeHeaders(plain), "none");
});
