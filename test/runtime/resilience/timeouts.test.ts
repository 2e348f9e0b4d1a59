// Timeouts end to end: caller proxy → destination proxy → an app that answers late or never. Lower
// bounds on time are exact (timers never fire early); upper bounds leave a loaded machine room.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { mesh, retries, route, service } from "../support/mesh-ir.ts";
import { ResilienceMesh } from "../support/resilience-mesh.ts";

let m: ResilienceMesh;
before(async () => {
  m = await ResilienceMesh.start(mesh(
    service("client"),
    service("slow", {
      routes: [
        route("per-try", { matches: [{ path: { kind: "prefix", value: "/per-try" }, headers: [], query: [] }], timeoutMs: 2500, retries: retries(2, { perTryTimeoutMs: 150, retryOn: ["reset"] }) }),
        route("all", { timeoutMs: 500 }),
      ],
    }),
  ), [{ service: "client", version: "v1" }, { service: "slow", version: "v1" }]);
});
after(() => m?.stop());

async function waitFor(condition: () => boolean, limitMs: number): Promise<boolean> {
  const deadline = Date.now() + limitMs;
  while (!condition() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  return condition();
}

test("a 2 s upstream behind a 500 ms timeout returns 504 in about 500 ms, and the upstream sees the request cancelled", async () => {
  const app = m.workload("slow", "v1").app;
  app.script("two-seconds", [{ kind: "answer", status: 200, afterMs: 2000 }]);
  const reply = await m.send("client", "slow", { path: "/report", headers: { "x-test-script": "two-seconds" } });
  assert.equal(reply.status, 504);
  assert.equal(reply.reason, "request-timeout");
  assert.ok(reply.ms >= 495, `answered after ${reply.ms.toFixed(0)} ms, before the timeout`);
  // The bound leaves room for a loaded machine; the upstream's answer would come at 2,000 ms.
  assert.ok(reply.ms < 1500, `answered after ${reply.ms.toFixed(0)} ms`);
  const [seen] = app.seen("two-seconds");
  assert.ok(seen, "the upstream never saw the request");
  assert.ok(await waitFor(() => seen.cancelled, 1000), "the upstream request was not cancelled");
  assert.ok(seen.cancelledAt! - seen.at < 1500, "cancelled only when the upstream answered");
  assert.equal(seen.answered, false);
});

test("each try gets the per-try timeout; the route's timeout still bounds them all", async () => {
  const app = m.workload("slow", "v1").app;
  app.script("hang", [{ kind: "hang" }]);
  const reply = await m.send("client", "slow", { path: "/per-try", headers: { "x-test-script": "hang" } });
  // 3 tries × 150 ms plus at most 5 + 10 ms of backoff: the per-try timeouts end it, not the route's 2.5 s.
  assert.equal(reply.status, 504);
  assert.equal(reply.reason, "per-try-timeout");
  assert.ok(reply.ms >= 445 && reply.ms < 2000, `answered after ${reply.ms.toFixed(0)} ms`);
  const seen = app.seen("hang");
  assert.equal(seen.length, 3);
  assert.ok(await waitFor(() => seen.every((s) => s.cancelled), 1000), "a timed-out try was not cancelled upstream");

  app.script("late-then-quick", [{ kind: "answer", status: 200, afterMs: 400 }, { kind: "answer", status: 200 }]);
  const second = await m.send("client", "slow", { path: "/per-try", headers: { "x-test-script": "late-then-quick" } });
  assert.equal(second.status, 200, "the second try should have answered in time");
  assert.equal(app.seen("late-then-quick").length, 2);
});

test("timeouts are counted in the caller's metrics", async () => {
  const text = await m.workload("client", "v1").proxy.metrics.text();
  assert.match(text, /typemesh_timeouts_total\{destination_service="test\/slow",route="all",scope="request"\} [1-9]/);
  assert.match(text, /typemesh_timeouts_total\{destination_service="test\/slow",route="per-try",scope="per-try"\} [1-9]/);
});
