// Progressive rollouts end to end: real proxies, real apps, gates read from live traffic.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { createBundle } from "../../src/compiler/emit/bundle.ts";
import type { RolloutPlan } from "../../src/runtime/control-plane/rollouts/rollout.ts";
import { get, startLiveMesh, until, type LiveMesh } from "./harness.ts";


describe("rollouts", { timeout: 120_000 }, () => {
  test("a healthy v2 is promoted through every step and then takes all traffic", async () => {
    const mesh = await startLiveMesh();
    try {
      const started = mesh.cp.rollouts.start(planOf(mesh), mesh.bundle);
      assert.ok("rollout" in started);
      const done = await until("promotion", () => { const r = mesh.cp.rollouts.find("catalog"); return r?.phase !== "progressing" && r; });
      assert.equal(done.phase, "promoted", done.reason);
      assert.deepEqual(done.checks.map((c) => c.outcome), ["passed", "passed", "passed"]);
      assert.deepEqual(done.checks.map((c) => c.weight), [20, 50, 100]);
      await new Promise((r) => setTimeout(r, 300));
      const after = await Promise.all(Array.from({ length: 40 }, () => get(mesh.caller, "catalog", "/products/7")));
      assert.deepEqual([...new Set(after.map((r) => r.version))], ["v2"]);
      assert.equal(mesh.replies.filter((r) => r.status !== 200).length, 0, "no request failed during the rollout");
    } finally {
      await mesh.stop();
    }
  });

  test("a v2 returning 20% errors is rolled back at the first gate, and stable traffic is restored", async () => {
    const mesh = await startLiveMesh({ errorRate: 0.2 });
    try {
      // 40 requests a step: a v2 failing one in five passes a 99% gate with them by chance once in 7,500.
      mesh.cp.rollouts.start({ ...planOf(mesh), gates: { ...planOf(mesh).gates, minRequests: 40 } }, mesh.bundle);
      const done = await until("rollback", () => { const r = mesh.cp.rollouts.find("catalog"); return r?.phase !== "progressing" && r; });
      assert.equal(done.phase, "rolled-back");
      assert.equal(done.stepIndex, 0, "rolled back at the first gate");
      assert.match(done.reason ?? "", /success rate [\d.]+% < 99%/);
      // Requests sent once every proxy has ACKed the rolled-back view (those in flight before may
      // still have been routed to v2, and retried there).
      await until("every proxy on the rolled-back view", () => mesh.cp.status().proxies.every((p) => p.state === "SYNCED"));
      const synced = Date.now();
      await new Promise((r) => setTimeout(r, 1000));
      const after = mesh.replies.filter((r) => r.sentAt > synced);
      assert.ok(after.length > 20);
      assert.ok(after.every((r) => r.status === 200 && r.version === "v1"), "after the rollback every request is served by v1");
      // The only failures are v2's own 500s: none came from the proxies moving traffic back.
      const failures = mesh.replies.filter((r) => r.status !== 200);
      assert.ok(failures.length > 0);
      assert.ok(failures.every((r) => r.status === 500 && r.version === "v2" && r.reason === undefined), JSON.stringify(failures.slice(0, 3)));
    } finally {
      await mesh.stop();
    }
  });

  test("a v2 that is only slow is rolled back on latency", async () => {
    // 120 ms answers, and the policies' timeouts (catalog reads: 900 ms per try) lifted so that even a
    // machine that stalls for a second cannot turn one into a failure: every request succeeds and only
    // the p99 gate (80 ms here) can fail it.
    const mesh = await startLiveMesh({ delayMs: 120 }, { concurrency: 8, maxSeconds: 60 }, { relaxedTimeouts: true });
    try {
      const plan = planOf(mesh);
      mesh.cp.rollouts.start({ ...plan, gates: { ...plan.gates, maxP99Ms: 80, minRequests: 5 } }, mesh.bundle);
      const done = await until("rollback", () => { const r = mesh.cp.rollouts.find("catalog"); return r?.phase !== "progressing" && r; }, 40_000, () => mesh.cp.rollouts.find("catalog"));
      assert.equal(done.phase, "rolled-back", `${done.reason}; checks: ${JSON.stringify(done.checks)}`);
      assert.match(done.reason ?? "", /p99 \d+ ms > 80 ms/);
      assert.ok(!/success rate/.test(done.reason ?? ""), `it failed on latency alone: ${done.reason}`);
    } finally {
      await mesh.stop();
    }
  });

  test("a v2 too slow for the route's timeout is rolled back: the caller's 504s count against v2", async () => {
    // 1.5 s answers against an 800 ms route timeout: every v2 request ends in the caller's proxy as a
    // 504 without a word from v2, and still counts as v2's failure (the split's choice).
    const mesh = await startLiveMesh({ delayMs: 1500 }, { concurrency: 8, maxSeconds: 60 });
    try {
      const plan = planOf(mesh);
      mesh.cp.rollouts.start({ ...plan, intervalMs: 3000, gates: { ...plan.gates, minRequests: 3 } }, mesh.bundle);
      const done = await until("rollback", () => { const r = mesh.cp.rollouts.find("catalog"); return r?.phase !== "progressing" && r; }, 50_000);
      assert.equal(done.phase, "rolled-back", `${done.reason}; checks: ${JSON.stringify(done.checks)}`);
      assert.match(done.reason ?? "", /success rate [\d.]+% < 99%/);
      assert.ok(mesh.replies.some((r) => r.status === 504 && /timeout/.test(r.reason ?? "")), "some callers saw the route's timeout");
    } finally {
      await mesh.stop();
    }
  });

  test("a restarted control plane recovers the rollout from its state directory and finishes it", async () => {
    const mesh = await startLiveMesh();
    try {
      mesh.cp.rollouts.start(planOf(mesh), mesh.bundle);
      await until("the second step", () => (mesh.cp.rollouts.find("catalog")?.stepIndex ?? 0) >= 1);
      await mesh.restartControlPlane();
      const recovered = mesh.cp.rollouts.find("catalog");
      assert.equal(recovered?.phase, "progressing");
      assert.ok((recovered?.stepIndex ?? 0) >= 1, "the step it had reached is kept");
      const done = await until("promotion", () => { const r = mesh.cp.rollouts.find("catalog"); return r?.phase !== "progressing" && r; }, 30_000);
      assert.equal(done.phase, "promoted", done.reason);
    } finally {
      await mesh.stop();
    }
  });

  test("a bundle that changes the service mid-rollout pauses it instead of discarding it; resume finishes it", async () => {
    const mesh = await startLiveMesh();
    try {
      mesh.cp.rollouts.start(planOf(mesh), mesh.bundle);
      const changed = structuredClone(mesh.bundle);
      const catalog = changed.ir.services.find((s) => s.id === "shop/catalog")!;
      catalog.routes.at(-1)!.timeoutMs = 2500;
      mesh.cp.apply(createBundle(changed.ir), "test: a teammate's change");
      const paused = mesh.cp.rollouts.find("catalog")!;
      assert.equal(paused.phase, "paused");
      assert.match(paused.reason ?? "", /changed shop\/catalog during the rollout: weights held at 20%/);
      const share = await Promise.all(Array.from({ length: 100 }, () => get(mesh.caller, "catalog", "/products/7")));
      assert.ok(share.some((r) => r.version === "v2"), "the held weights stay in force (v2 still gets its share)");
      assert.ok("rollout" in mesh.cp.rollouts.resume("catalog", mesh.cp.currentBundle()));
      const done = await until("promotion", () => { const r = mesh.cp.rollouts.find("catalog"); return r?.phase !== "progressing" && r; });
      assert.equal(done.phase, "promoted");
    } finally {
      await mesh.stop();
    }
  });
});

/**
 * Short steps so a whole rollout takes seconds: 20% → 50% → 100%, 1.5 s each. The latency gate is
 * generous (1 s) so that a healthy version on a loaded CI machine passes; the slow test's v2 takes 1.5 s.
 */
function planOf(_mesh: LiveMesh): RolloutPlan {
  return {
    service: "shop/catalog", from: "v1", to: "v2", steps: [20, 50, 100], intervalMs: 1500,
    gates: { minSuccessRate: 99, maxP99Ms: 1000, minRequests: 10 }, failureThreshold: 0,
  };
}
