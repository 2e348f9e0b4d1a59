import assert from "node:assert/strict";
import path from "node:path";
import { before, test } from "node:test";
import { compilePolicies } from "../../../compiler/compile.ts";
import type { MeshIR } from "../../../compiler/ir/schema.ts";
import { applyRollouts } from "./overrides.ts";
import { planRollout } from "./plan.ts";
import type { Rollout } from "./rollout.ts";

let ir: MeshIR;
before(async () => {
  const compiled = await compilePolicies(path.resolve(path.dirname(new URL(import.meta.url).pathname), "../../../../policies"));
  ir = compiled.ir!;
});

test("the declared rollout is the plan unless the request says otherwise", () => {
  const plan = planRollout(ir, { service: "catalog" });
  assert.ok(!("error" in plan));
  assert.deepEqual([plan.from, plan.to, plan.steps, plan.intervalMs], ["v1", "v2", [10, 25, 50, 100], 20_000]);
  assert.deepEqual(plan.gates, { minSuccessRate: 99, maxP99Ms: 300, minRequests: 20 });
  const overridden = planRollout(ir, { service: "shop/catalog", to: "v3", stepWeight: 20, maxWeight: 60, interval: "5s" });
  assert.ok(!("error" in overridden));
  assert.deepEqual([overridden.from, overridden.to, overridden.steps, overridden.intervalMs], ["v1", "v3", [20, 40, 60, 100], 5000]);
});

test("a plan that cannot work is refused with the reason", () => {
  assert.match((planRollout(ir, { service: "frontend" }) as { error: string }).error, /declares no rollout: say which version/);
  assert.match((planRollout(ir, { service: "catalog", steps: [50, 20] }) as { error: string }).error, /must rise/);
  assert.match((planRollout(ir, { service: "nope" }) as { error: string }).error, /no service nope/);
});

test("a canary header sends matching requests to the new version first, ahead of every route", () => {
  const plan = planRollout(ir, { service: "catalog", canaryHeader: { name: "X-Canary", value: "1" } });
  assert.ok(!("error" in plan));
  const rollout = { ...plan, phase: "progressing", weight: 10, pinned: true } as Rollout;
  const catalog = applyRollouts(ir, [rollout]).services.find((s) => s.id === "shop/catalog")!;
  assert.equal(catalog.routes[0]!.name, "rollout-v2-header");
  assert.deepEqual(catalog.routes[0]!.matches[0]!.headers, [{ name: "x-canary", match: { kind: "exact", value: "1" } }]);
  assert.deepEqual(catalog.routes[0]!.destinations, [{ version: "v2", weight: 100 }]);
  assert.deepEqual(catalog.routes.at(-1)!.destinations, [{ version: "v1", weight: 90 }, { version: "v2", weight: 10 }]);
});
