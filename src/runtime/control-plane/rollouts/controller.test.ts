import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import type { Bundle } from "../../../compiler/emit/bundle.ts";
import type { MeshIR, ServiceIR } from "../../../compiler/ir/schema.ts";
import { LATENCY_BUCKETS_MS, bucketOf } from "../../protocol/traffic.ts";
import { TrafficStore } from "../traffic-store.ts";
import { RolloutController } from "./controller.ts";
import { applyRollouts } from "./overrides.ts";
import { RolloutStore } from "./store.ts";

const source = { file: "catalog.policy.ts", line: 1, column: 1 };
function catalog(routesTo = "v1"): ServiceIR {
  return {
    id: "shop/catalog", name: "catalog", namespace: "shop", port: 8080, identity: "spiffe://t/ns/shop/sa/catalog", mtls: "strict",
    loadBalancer: "round-robin", versions: [{ name: "v1", labels: {} }, { name: "v2", labels: {} }],
    routes: [
      { name: "canary", matches: [{ headers: [{ name: "x-v", match: { kind: "exact", value: "3" } }], query: [] }], destinations: [{ version: "v2", weight: 100 }], source },
      { name: "all", matches: [], destinations: [{ version: routesTo, weight: 100 }], source },
    ],
    authorization: { allow: [], deny: [] }, source,
  };
}
const bundleOf = (service: ServiceIR, version = "b1"): Bundle => ({ apiVersion: "typemesh.dev/v1", kind: "Bundle", version, ir: { apiVersion: "typemesh.dev/v1", mesh: { trustDomain: "t", mtls: "strict" }, services: [service] } as MeshIR });
const plan = { service: "shop/catalog", from: "v1", to: "v2", steps: [20, 100], intervalMs: 10_000, gates: { minSuccessRate: 99, maxP99Ms: 200, minRequests: 10 }, failureThreshold: 0 };

function setup() {
  let now = 1_000_000;
  const traffic = new TrafficStore(() => now);
  const dir = mkdtempSync(path.join(os.tmpdir(), "rollouts-"));
  let pushes = 0;
  const controller = new RolloutController(new RolloutStore(dir), traffic, () => pushes++, () => {}, () => new Date(now));
  let cumulative = { ok: 0, failed: 0 };
  const report = (ok: number, failed: number, latencyMs = 20) => {
    cumulative = { ok: cumulative.ok + ok, failed: cumulative.failed + failed };
    const buckets = (count: number) => { const b = new Array<number>(LATENCY_BUCKETS_MS.length + 1).fill(0); b[bucketOf(latencyMs)] = count; return b; };
    traffic.ingest("p", { type: "stats", at: now, series: [
      { reporter: "source", source: "shop/frontend", destination: "shop/catalog", version: "v2", code: 200, count: cumulative.ok, sumMs: 0, buckets: buckets(cumulative.ok) },
      { reporter: "source", source: "shop/frontend", destination: "shop/catalog", version: "v2", code: 500, count: cumulative.failed, sumMs: 0, buckets: buckets(cumulative.failed) },
    ] });
  };
  return { controller, report, advance: (ms: number) => { now += ms; }, pushes: () => pushes, dir, traffic };
}

test("a healthy version is promoted step by step, and the weights follow", () => {
  const t = setup();
  t.report(0, 0);
  const started = t.controller.start(plan, bundleOf(catalog()));
  assert.ok("rollout" in started);
  const routed = applyRollouts(bundleOf(catalog()).ir, t.controller.inForce()).services[0]!.routes;
  assert.deepEqual(routed[0]!.destinations, [{ version: "v2", weight: 100 }], "a route to another version keeps its target");
  assert.deepEqual(routed[1]!.destinations, [{ version: "v1", weight: 80 }, { version: "v2", weight: 20 }]);
  t.advance(10_000); t.report(100, 0); t.controller.tick();
  assert.equal(t.controller.find("catalog")?.weight, 100);
  t.advance(10_000); t.report(200, 0); t.controller.tick();
  const done = t.controller.find("catalog")!;
  assert.equal(done.phase, "promoted");
  assert.deepEqual(applyRollouts(bundleOf(catalog()).ir, t.controller.inForce()).services[0]!.routes[1]!.destinations, [{ version: "v2", weight: 100 }]);
});

test("a failing gate rolls back at once with the figures that failed it", () => {
  const t = setup();
  t.report(0, 0);
  t.controller.start(plan, bundleOf(catalog()));
  t.advance(10_000); t.report(80, 20); t.controller.tick();
  const r = t.controller.find("shop/catalog")!;
  assert.equal(r.phase, "rolled-back");
  assert.equal(r.weight, 0);
  assert.match(r.reason ?? "", /success rate 80% < 99%/);
  assert.deepEqual(applyRollouts(bundleOf(catalog()).ir, t.controller.inForce()).services[0]!.routes[1]!.destinations, [{ version: "v1", weight: 100 }]);
});

test("a slow version is rolled back on latency", () => {
  const t = setup();
  t.report(0, 0);
  t.controller.start(plan, bundleOf(catalog()));
  t.advance(10_000); t.report(100, 0, 800); t.controller.tick();
  assert.match(t.controller.find("catalog")?.reason ?? "", /p99 \d+ ms > 200 ms/);
});

test("too little traffic holds the step instead of judging it", () => {
  const t = setup();
  t.report(0, 0);
  t.controller.start(plan, bundleOf(catalog()));
  t.advance(10_000); t.report(3, 0); t.controller.tick();
  const r = t.controller.find("catalog")!;
  assert.equal(r.phase, "progressing");
  assert.equal(r.weight, 20);
  assert.equal(r.checks.at(-1)?.outcome, "insufficient-traffic");
  // The held step keeps counting: 3 + 9 requests over the longer window are enough to judge.
  t.advance(5_000); t.controller.tick();
  assert.equal(r.checks.length, 1, "not judged again before another interval");
  t.advance(5_000); t.report(9, 0); t.controller.tick();
  assert.equal(r.checks.at(-1)?.outcome, "passed");
  assert.equal(r.checks.at(-1)?.requests, 12);
  assert.equal(r.weight, 100);
});

test("a bundle that changes the service pauses the rollout; one that drops its version aborts it", () => {
  const t = setup();
  t.controller.start(plan, bundleOf(catalog()));
  t.controller.bundleApplied(bundleOf(catalog()), bundleOf(catalog(), "b2")); // same policy: nothing happens
  assert.equal(t.controller.find("catalog")?.phase, "progressing");
  const changed = catalog();
  changed.routes[1]!.timeoutMs = 5000;
  t.controller.bundleApplied(bundleOf(catalog()), bundleOf(changed, "b3"));
  assert.equal(t.controller.find("catalog")?.phase, "paused");
  assert.match(t.controller.find("catalog")?.reason ?? "", /changed shop\/catalog during the rollout: weights held at 20%/);
  const dropped = { ...changed, versions: [{ name: "v1", labels: {} }], routes: [changed.routes[1]!] };
  t.controller.bundleApplied(bundleOf(changed, "b3"), bundleOf(dropped, "b4"));
  assert.equal(t.controller.find("catalog")?.phase, "aborted");
  assert.equal(t.controller.inForce().length, 0);
});

test("rollouts survive a control-plane restart", () => {
  const t = setup();
  t.controller.start(plan, bundleOf(catalog()));
  const again = new RolloutController(new RolloutStore(t.dir), t.traffic, () => {}, () => {});
  assert.equal(again.find("catalog")?.phase, "progressing");
  assert.equal(again.find("catalog")?.weight, 20);
});
