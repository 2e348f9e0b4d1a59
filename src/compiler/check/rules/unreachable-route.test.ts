import assert from "node:assert/strict";
import { test } from "node:test";
import { unreachableRoute } from "./unreachable-route.ts";
import { runRule, service, site } from "./test-helpers.ts";

const versions = { v1: {}, v2: {} };

test("a route after a catch-all is an error naming both routes", () => {
  const [d, ...rest] = runRule(unreachableRoute, [
    service({
      versions,
      routes: [{ name: "default", to: "v1" }, { name: "testers", match: { headers: { "x-canary": { exact: "1" } } }, to: "v2" }],
    }, site({ "routes/1": 11 })),
  ]);
  assert.deepEqual(rest, []);
  assert.equal(d?.code, "TM1004");
  assert.equal(d?.severity, "error");
  assert.equal(d?.location?.line, 11);
  assert.match(d?.message ?? "", /route testers of shop\/checkout can never match: route default before it matches every request/);
});

test("an empty match is a catch-all too", () => {
  const found = runRule(unreachableRoute, [service({ versions, routes: [{ match: {}, to: "v1" }, { match: { method: "GET" }, to: "v2" }] })]);
  assert.deepEqual(found.map((d) => d.code), ["TM1004"]);
  assert.match(found[0]?.message ?? "", /route #2 .* route #1 before it/);
});

test("a match repeated in another order (or header case) is TM1005", () => {
  const [d] = runRule(unreachableRoute, [
    service({
      versions,
      routes: [
        { name: "cart", match: { path: { prefix: "/cart" }, method: ["GET", "PUT"], headers: { "X-User": { present: true } } }, to: "v1" },
        { name: "cart-v2", match: { headers: { "x-user": { present: true } }, method: ["PUT", "GET"], path: { prefix: "/cart" } }, to: "v2" },
        { to: "v1" },
      ],
    }),
  ]);
  assert.equal(d?.code, "TM1005");
  assert.match(d?.message ?? "", /route cart-v2 of shop\/checkout can never match: route cart has the same match/);
});

test("query parameter names are case-sensitive, as the proxies match them", () => {
  assert.deepEqual(runRule(unreachableRoute, [service({
    versions,
    routes: [
      { name: "upper", match: { query: { Debug: { exact: "1" } } }, to: "v2" },
      { name: "lower", match: { query: { debug: { exact: "1" } } }, to: "v2" },
      { to: "v1" },
    ],
  })]), []);
});

test("routes that differ, and a catch-all last, pass", () => {
  const routes = [
    { match: { path: { prefix: "/cart" } }, to: "v2" },
    { match: [{ path: { prefix: "/cart" } }, { method: "GET" }], to: "v1" },
    { to: "v1" },
  ];
  assert.deepEqual(runRule(unreachableRoute, [service({ versions, routes })]), []);
});
