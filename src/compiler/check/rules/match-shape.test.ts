import assert from "node:assert/strict";
import { test } from "node:test";
import { matchShape } from "./match-shape.ts";
import { runRule, service, site } from "./test-helpers.ts";

test("a string match comparing two ways, or none, is an error naming what it found", () => {
  const found = runRule(matchShape, [
    service({
      routes: [
        { match: { path: { exact: "/cart", prefix: "/cart/" }, headers: { "x-user": {} } }, to: "v1" },
        { to: "v1" },
      ],
    }, site({ "routes/0/match/path": 12, "routes/0/match/headers/x-user": 13 })),
  ]);
  assert.deepEqual(found.map((d) => [d.code, d.severity, d.location?.line]), [["TM1025", "error", 12], ["TM1025", "error", 13]]);
  assert.equal(found[0]?.message, "a match must compare exactly one way (exact, prefix, regex), found exact and prefix");
  assert.equal(found[1]?.message, "a match must compare exactly one way (exact, prefix, regex or present), found none");
});

test("methods in routes and authorization rules must be HTTP methods", () => {
  const found = runRule(matchShape, [
    service({
      routes: [{ match: [{ method: "GET" }, { method: ["get", "POST"] }], to: "v1" }],
      authorization: { allow: [{ methods: ["FETCH"] }] },
    }, site({ "routes/0/match/1/method": 4, "authorization/allow/0/methods": 7 })),
  ]);
  assert.deepEqual(found.map((d) => [d.message, d.location?.line]), [
    ['"get" is not an HTTP method', 4],
    ['"FETCH" is not an HTTP method', 7],
  ]);
});

test("one way of comparing each value, and real methods, pass", () => {
  assert.deepEqual(runRule(matchShape, [
    service({
      routes: [{ match: { path: { regex: "^/a$" }, headers: { "x-a": { present: true } }, query: { q: { prefix: "x" } }, method: ["GET", "HEAD"] }, to: "v1" }],
      authorization: { deny: [{ methods: ["DELETE"] }] },
    }),
  ]), []);
});
