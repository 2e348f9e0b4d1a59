import assert from "node:assert/strict";
import { test } from "node:test";
import { headerChanges } from "./header-changes.ts";
import { runRule, service, site } from "./test-helpers.ts";

test("invalid names, proxy-managed headers and set-and-removed headers are errors naming the header", () => {
  const found = runRule(headerChanges, [
    service({
      routes: [{
        to: "v1",
        headers: {
          request: { set: { Host: "legacy.shop.internal" }, add: { "x user": "a" } },
          response: { set: { "x-served-by": "typemesh" }, remove: ["X-Served-By", "Transfer-Encoding"] },
        },
      }],
    }, site({ "routes/0/headers/request/set/Host": 14, "routes/0/headers/response/set/x-served-by": 15 })),
  ]);
  assert.deepEqual(found.map((d) => d.code), ["TM1021", "TM1021", "TM1021", "TM1021"]);
  assert.equal(found[0]?.message, "header Host is managed by the proxy and cannot be changed");
  assert.equal(found[0]?.location?.line, 14);
  assert.equal(found[1]?.message, '"x user" is not a valid header name');
  assert.equal(found[2]?.message, "header Transfer-Encoding is managed by the proxy and cannot be changed");
  assert.equal(found[3]?.message, "header x-served-by is both set and removed");
  assert.equal(found[3]?.location?.line, 15);
});

test("ordinary header changes pass", () => {
  assert.deepEqual(runRule(headerChanges, [
    service({ routes: [{ to: "v1", headers: { request: { set: { "x-canary-route": "testers" } }, response: { remove: ["x-powered-by"] } } }] }),
  ]), []);
});
