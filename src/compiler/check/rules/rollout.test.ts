import assert from "node:assert/strict";
import { test } from "node:test";
import { rollout } from "./rollout.ts";
import { runRule, service, site } from "./test-helpers.ts";

const versions = { v1: {}, v2: {}, v3: {} };
const good = { to: "v2", steps: [10, 50, 100], interval: "30s", gates: { minSuccessRate: 99 } };

test("a rollout between declared versions with rising steps passes", () => {
  assert.deepEqual(runRule(rollout, [service({ versions, routes: [{ to: "v1" }], rollout: good })]), []);
});

test("an undeclared target, a missing source and weights that do not end at 100 are each reported", () => {
  const found = runRule(rollout, [service({
    versions, routes: [{ split: { v1: 50, v3: 50 } }],
    rollout: { ...good, to: "v9", steps: [10, 60, 50] },
  }, site({ "rollout/to": 7, "rollout/steps": 8 }))]);
  const messages = found.map((d) => `${d.code}@${d.location?.line}: ${d.message}`);
  assert.ok(messages.some((m) => /TM1026@7: rollout target "v9" is not a version/.test(m)), messages.join("\n"));
  assert.ok(messages.some((m) => /cannot tell which version it moves traffic from/.test(m)), messages.join("\n"));
  assert.ok(messages.some((m) => /TM1026@8: rollout weights \[10,60,50\] must rise/.test(m)), messages.join("\n"));
});

test("a rollout without gates is refused: nothing could stop a bad version", () => {
  const found = runRule(rollout, [service({ versions, routes: [{ to: "v1" }], rollout: { ...good, gates: {} } })]);
  assert.match(found.map((d) => d.message).join("\n"), /needs at least one gate/);
});

test("stepWeight and maxWeight expand to steps ending at 100", () => {
  const found = runRule(rollout, [service({ versions, routes: [{ to: "v1" }], rollout: { to: "v2", stepWeight: 20, maxWeight: 60, interval: "10s", gates: { maxP99: "200ms" } } })]);
  assert.deepEqual(found, []);
});
