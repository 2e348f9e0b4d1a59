import assert from "node:assert/strict";
import { test } from "node:test";
import { splitSum } from "./split-sum.ts";
import { runRule, service, site } from "./test-helpers.ts";

const versions = { v1: {}, v2: {}, v3: {} };

test("weights that do not sum to 100 are an error that states the actual sum", () => {
  const [d, ...rest] = runRule(splitSum, [
    service({ versions, routes: [{ name: "default", split: { v1: 90, v2: 20 } }] }, site({ "routes/0/split": 12 })),
  ]);
  assert.deepEqual(rest, []);
  assert.equal(d?.code, "TM1002");
  assert.equal(d?.severity, "error");
  assert.equal(d?.location?.line, 12, "points at the split");
  assert.match(d?.message ?? "", /shop\/checkout route default sum to 110, not 100/);
});

test("an unnamed route is named by its position", () => {
  const [d] = runRule(splitSum, [service({ versions, routes: [{ to: "v1", match: { method: "GET" } }, { split: { v1: 50, v2: 40 } }] })]);
  assert.match(d?.message ?? "", /route #2 sum to 90/);
});

test("weights with three decimals that sum to exactly 100 pass", () => {
  assert.deepEqual(runRule(splitSum, [service({ versions, routes: [{ split: { v1: 33.333, v2: 33.333, v3: 33.334 } }] })]), []);
  assert.deepEqual(runRule(splitSum, [service({ versions, routes: [{ split: { v1: 100, v2: 0 } }] })]), []);
});

test("a weight outside 0–100 is TM1011 at that weight", () => {
  const found = runRule(splitSum, [
    service({ versions, routes: [{ split: { v1: -10, v2: 110 } }] }, site({ "routes/0/split/v1": 4, "routes/0/split/v2": 5 })),
  ]);
  assert.deepEqual(found.map((d) => [d.code, d.location?.line]), [["TM1011", 4], ["TM1011", 5]]);
  assert.match(found[0]?.message ?? "", /split weight -10 for "v1"/);
});

test("a route that sends nowhere, or both ways, is TM1017", () => {
  const found = runRule(splitSum, [
    service({ versions, routes: [{ name: "a", match: { method: "GET" } }, { to: "v1", split: { v1: 100 } }, { split: {} }] }),
  ]);
  assert.deepEqual(found.map((d) => d.code), ["TM1017", "TM1017", "TM1017"]);
  assert.match(found[0]?.message ?? "", /neither `to` nor `split`/);
  assert.match(found[1]?.message ?? "", /both `to` and `split`/);
  assert.match(found[2]?.message ?? "", /split names no versions/);
});
