// Outlier detection and circuit breaking end to end: a flapping endpoint leaves the pool and comes
// back, for longer the second time; a destination at its connection limits refuses at once.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { mesh, service } from "../support/mesh-ir.ts";
import { inParallel, ResilienceMesh } from "../support/resilience-mesh.ts";

let m: ResilienceMesh;
before(async () => {
  m = await ResilienceMesh.start(mesh(
    service("client"),
    service("pool", { outlierDetection: { consecutive5xx: 3, intervalMs: 30_000, baseEjectionTimeMs: 1000, maxEjectionPercent: 50 } }),
    service("narrow", { connectionLimits: { maxRequests: 2, maxPendingRequests: 1 } }),
  ), [
    { service: "client", version: "v1" },
    { service: "pool", version: "v1" }, { service: "pool", version: "v1" },
    { service: "narrow", version: "v1" },
  ]);
});
after(() => m?.stop());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Sends until `flapping` has failed `times` more times; returns when it saw its last failing request. */
async function failUntilEjected(flapping: { requests: { at: number }[] }, before: number, times: number): Promise<number> {
  for (let i = 0; i < 40 && flapping.requests.length < before + times; i++) await m.send("client", "pool");
  assert.equal(flapping.requests.length, before + times, "the flapping endpoint did not get its share of requests");
  // The ejection happened after the endpoint saw this request: a lower bound on when it started.
  return flapping.requests.at(-1)!.at;
}

/** Sends a request every 20 ms until the endpoint gets one again; returns when it saw it. */
async function untilBack(flapping: { requests: { at: number }[] }, limitMs: number): Promise<number> {
  const seen = flapping.requests.length;
  const deadline = Date.now() + limitMs;
  while (flapping.requests.length === seen && Date.now() < deadline) {
    await m.send("client", "pool");
    await sleep(20);
  }
  assert.ok(flapping.requests.length > seen, `the ejected endpoint did not come back within ${limitMs} ms`);
  return flapping.requests[seen]!.at;
}

test("a flapping endpoint is ejected, stays out for the ejection time, comes back, and stays out longer next time", async () => {
  const flapping = m.workload("pool", "v1", 0).app;
  const steady = m.workload("pool", "v1", 1).app;
  flapping.behave(() => ({ kind: "answer", status: 503 }));

  // Round-robin over two endpoints: three consecutive 5xx from the flapping one eject it for 1 s.
  const ejectedAt = await failUntilEjected(flapping, 0, 3);
  const steadyBefore = steady.requests.length;
  let during = 0;
  while (Date.now() - ejectedAt < 700) {
    assert.equal((await m.send("client", "pool")).status, 200, "a request reached the ejected endpoint");
    during++;
  }
  assert.equal(flapping.requests.length, 3);
  assert.equal(steady.requests.length - steadyBefore, during);

  flapping.behave(() => ({ kind: "answer", status: 200 }));
  const back = await untilBack(flapping, 5000);
  assert.ok(back - ejectedAt >= 990, `back after ${back - ejectedAt} ms, before the 1 s ejection time`);

  // It flaps again: the second ejection within the interval lasts twice as long.
  flapping.behave(() => ({ kind: "answer", status: 503 }));
  const again = await failUntilEjected(flapping, flapping.requests.length, 3);
  flapping.behave(() => ({ kind: "answer", status: 200 }));
  const backAgain = await untilBack(flapping, 6000);
  assert.ok(backAgain - again >= 1990, `back after ${backAgain - again} ms, before the doubled 2 s ejection`);

  const text = await m.workload("client", "v1").proxy.metrics.text();
  assert.match(text, new RegExp(`typemesh_outlier_ejections_total\\{destination_service="test/pool",endpoint="127.0.0.1:${m.workload("pool", "v1", 0).ports.inbound}"\\} 2`));
});

test("over its connection limits a destination answers 503 circuit-open at once instead of queueing", async () => {
  const app = m.workload("narrow", "v1").app;
  app.behave(() => ({ kind: "answer", status: 200, afterMs: 1500 }));
  const replies = await Promise.all(Array.from({ length: 8 }, () => m.send("client", "narrow")));
  const served = replies.filter((r) => r.status === 200);
  const refused = replies.filter((r) => r.status === 503);
  // Two in flight and one waiting; the other five are refused without waiting for a slot.
  assert.equal(served.length, 3, JSON.stringify(replies.map((r) => [r.status, r.reason])));
  assert.equal(refused.length, 5);
  // Served requests take the app's 1.5 s; every refusal came back before any of them.
  const firstServed = Math.min(...served.map((r) => r.ms));
  for (const r of refused) {
    assert.equal(r.reason, "circuit-open");
    assert.ok(r.ms < firstServed, `a refusal took ${r.ms.toFixed(0)} ms, the first answer ${firstServed.toFixed(0)} ms: it waited`);
  }
  assert.equal(app.requests.length, 3);
  assert.match(await m.workload("client", "v1").proxy.metrics.text(), /typemesh_circuit_open_rejections_total\{destination_service="test\/narrow"\} 5/);
});
