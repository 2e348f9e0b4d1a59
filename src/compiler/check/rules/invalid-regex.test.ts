import assert from "node:assert/strict";
import { test } from "node:test";
import { invalidRegex } from "./invalid-regex.ts";
import { runRule, service, site } from "./test-helpers.ts";

test("a regex that does not compile is an error that names the pattern once and the reason", () => {
  const [d, ...rest] = runRule(invalidRegex, [
    service({ routes: [{ match: { path: { regex: "^/orders/([0-9]+$" } }, to: "v1" }] }, site({ "routes/0/match/path": 9 })),
  ]);
  assert.deepEqual(rest, []);
  assert.equal(d?.code, "TM1006");
  assert.equal(d?.severity, "error");
  assert.equal(d?.location?.line, 9);
  assert.equal(d?.message, "invalid regular expression /^/orders/([0-9]+$/: Unterminated group");
});

test("header and query regexes of a match list are checked at their own paths", () => {
  const found = runRule(invalidRegex, [
    service({
      routes: [{ match: [{ method: "GET" }, { headers: { "x-id": { regex: "[a-" } }, query: { q: { regex: "*" } } }], to: "v1" }],
    }, site({ "routes/0/match/1/headers/x-id": 4, "routes/0/match/1/query/q": 5 })),
  ]);
  assert.deepEqual(found.map((d) => [d.code, d.location?.line]), [["TM1006", 4], ["TM1006", 5]]);
});

test("valid regexes pass", () => {
  assert.deepEqual(runRule(invalidRegex, [service({ routes: [{ match: { path: { regex: "^/refunds/[0-9]+$" } }, to: "v1" }] })]), []);
});
