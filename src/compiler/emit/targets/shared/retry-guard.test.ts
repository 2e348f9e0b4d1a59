import assert from "node:assert/strict";
import { test } from "node:test";
import type { RouteIR } from "../../../ir/schema.ts";
import { guardNonIdempotentRetries } from "./retry-guard.ts";

const retries = (retryNonIdempotent: boolean): RouteIR["retries"] => ({ attempts: 2, retryOn: ["5xx"], retryOnStatus: [], backoff: { baseMs: 25, maxMs: 250 }, retryNonIdempotent });
const route = (partial: Partial<RouteIR>): RouteIR => ({ name: "r", matches: [], destinations: [{ version: "v1", weight: 100 }], source: { file: "f", line: 1, column: 1 }, ...partial });

test("a retrying catch-all gets a guard for POST and PATCH without retries, first", () => {
  const [guard, kept, ...rest] = guardNonIdempotentRetries([route({ retries: retries(false) })]);
  assert.equal(rest.length, 0);
  assert.equal(guard!.name, "r-no-retry");
  assert.equal(guard!.route.retries, undefined);
  assert.deepEqual(guard!.route.matches, [{ headers: [], query: [], methods: ["PATCH", "POST"] }]);
  assert.deepEqual(kept!.route.matches, []);
  assert.ok(kept!.route.retries);
});

test("listed risky methods move to the guard; a route of only those is not retried at all", () => {
  const planned = guardNonIdempotentRetries([route({ retries: retries(false), matches: [{ headers: [], query: [], methods: ["GET", "POST"] }] })]);
  assert.deepEqual(planned.map((p) => [p.name, p.route.matches[0]!.methods, Boolean(p.route.retries)]), [["r-no-retry", ["POST"], false], ["r", ["GET"], true]]);
  const onlyPost = guardNonIdempotentRetries([route({ retries: retries(false), matches: [{ headers: [], query: [], methods: ["POST"] }] })]);
  assert.deepEqual(onlyPost.map((p) => [p.name, Boolean(p.route.retries)]), [["r-no-retry", false]]);
});

test("opting in, or idempotent methods only, leaves the route alone", () => {
  for (const r of [route({ retries: retries(true) }), route({ retries: retries(false), matches: [{ headers: [], query: [], methods: ["GET"] }] })]) {
    assert.deepEqual(guardNonIdempotentRetries([r]).map((p) => p.route), [r]);
  }
});
