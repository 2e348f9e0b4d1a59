import assert from "node:assert/strict";
import { test } from "node:test";
import { nonIdempotentRetry } from "./non-idempotent-retry.ts";
import { runRule, service, site } from "./test-helpers.ts";

const retries = { attempts: 2 };

test("retrying a POST route without opt-in is a warning naming the method", () => {
  const [d, ...rest] = runRule(nonIdempotentRetry, [
    service({ routes: [{ name: "charge", match: { path: { exact: "/charge" }, method: "POST" }, to: "v1", retries }, { to: "v1" }] },
      site({ "routes/0/retries": 8 })),
  ]);
  assert.deepEqual(rest, []);
  assert.equal(d?.code, "TM1008");
  assert.equal(d?.severity, "warning");
  assert.equal(d?.location?.line, 8);
  assert.match(d?.message ?? "", /route charge of shop\/checkout retries POST requests/);
});

test("a route that matches any method may carry POST and PATCH", () => {
  const [d] = runRule(nonIdempotentRetry, [service({ routes: [{ to: "v1", retries }] })]);
  assert.match(d?.message ?? "", /retries POST and PATCH requests/);
  const [partly] = runRule(nonIdempotentRetry, [service({ routes: [{ match: [{ method: "GET" }, { path: { prefix: "/x" } }], to: "v1", retries }] })]);
  assert.match(partly?.message ?? "", /POST and PATCH/, "one match without a method is enough");
});

test("an empty method list matches every method, so it may carry POST too", () => {
  const [d] = runRule(nonIdempotentRetry, [service({ routes: [{ match: { path: { prefix: "/pay" }, method: [] }, to: "v1", retries }] })]);
  assert.equal(d?.code, "TM1008");
});

test("idempotent methods, an explicit opt-in and zero attempts pass", () => {
  const routes = [
    { match: { method: ["GET", "PUT", "DELETE"] }, to: "v1", retries },
    { match: { method: "POST" }, to: "v1", retries: { attempts: 2, retryNonIdempotent: true } },
    { to: "v1", retries: { attempts: 0 } },
  ];
  assert.deepEqual(runRule(nonIdempotentRetry, [service({ routes })]), []);
});
