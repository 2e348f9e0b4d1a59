// Retries end to end: a flaky upstream, a non-idempotent method, request bodies, and a full outage
// held in check by the retry budget.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { MatchIR } from "../../../src/compiler/ir/schema.ts";
import { mesh, retries, route, service } from "../support/mesh-ir.ts";
import { inParallel, ResilienceMesh } from "../support/resilience-mesh.ts";

const onPath = (prefix: string): MatchIR => ({ path: { kind: "prefix", value: prefix }, headers: [], query: [] });

let m: ResilienceMesh;
before(async () => {
  m = await ResilienceMesh.start(mesh(
    service("client"),
    service("flaky", { routes: [route("reads", { timeoutMs: 3000, retries: retries(3) })] }),
    service("orders", {
      routes: [
        route("charge", { matches: [onPath("/charge")], retries: retries(2, { retryNonIdempotent: true }) }),
        route("other", { retries: retries(2) }),
      ],
    }),
    service("down", { routes: [route("all", { retries: retries(3, { backoff: { baseMs: 1, maxMs: 2 } }) })] }),
  ), ["client", "flaky", "orders", "down"].map((service) => ({ service, version: "v1" })));
});
after(() => m?.stop());

test("an upstream failing 50% of the time behind 3 retries serves at least 99% successes", async () => {
  const app = m.workload("flaky", "v1").app;
  // Every second request fails. (Failures drawn at random per try would allow at most
  // 1 − 0.5⁴ = 93.75% with four tries; a fixed half is what retries can fully absorb.)
  app.behave((_seen, i) => (i % 2 === 0 ? { kind: "answer", status: 503 } : { kind: "answer", status: 200 }));
  const requests = 150;
  const replies = [];
  for (let i = 0; i < requests; i++) replies.push(await m.send("client", "flaky", { path: `/item/${i}` }));
  const ok = replies.filter((r) => r.status === 200).length;
  assert.ok(ok >= 0.99 * requests, `${ok} of ${requests} succeeded`);
  // The retries that succeeded cost the budget nothing: every request got the one retry it needed.
  const tries = app.requests.length;
  assert.ok(tries <= 2 * requests + 2, `the upstream saw ${tries} tries for ${requests} requests`);
});

test("a POST is not retried without opt-in; with it, the body is replayed byte for byte", async () => {
  const app = m.workload("orders", "v1").app;
  app.script("post-other", [{ kind: "answer", status: 503 }]);
  const post = await m.send("client", "orders", { method: "POST", path: "/orders", body: "pay 10 EUR", headers: { "x-test-script": "post-other" } });
  assert.equal(post.status, 503);
  assert.equal(app.seen("post-other").length, 1, "a POST was retried without retryNonIdempotent");

  app.script("get-other", [{ kind: "answer", status: 503 }]);
  await m.send("client", "orders", { path: "/orders", headers: { "x-test-script": "get-other" } });
  assert.equal(app.seen("get-other").length, 3, "the same route retries a GET twice");

  const body = Buffer.alloc(40 * 1024, "payload-");
  app.script("post-charge", [{ kind: "answer", status: 503 }, { kind: "reset" }, { kind: "answer", status: 201 }]);
  const charged = await m.send("client", "orders", { method: "POST", path: "/charge", body, headers: { "x-test-script": "post-charge" } });
  assert.equal(charged.status, 201);
  const tries = app.seen("post-charge");
  assert.equal(tries.length, 3);
  for (const t of tries) assert.ok(t.body.equals(body), `a try carried ${t.body.length} bytes instead of the body`);
});

test("a body larger than the 64 KiB replay buffer is sent once, not retried", async () => {
  const app = m.workload("orders", "v1").app;
  const big = Buffer.alloc(200 * 1024, "x");
  app.script("big", [{ kind: "answer", status: 503 }, { kind: "answer", status: 201 }]);
  const reply = await m.send("client", "orders", { method: "POST", path: "/charge", body: big, headers: { "x-test-script": "big" } });
  assert.equal(reply.status, 503);
  const tries = app.seen("big");
  assert.equal(tries.length, 1);
  assert.equal(tries[0]!.body.length, big.length);
  assert.match(await m.workload("client", "v1").proxy.metrics.text(), /typemesh_retries_denied_total\{destination_service="test\/orders",route="charge",reason="body-not-replayable"\} 1/);
});

test("during a full outage the retry budget caps upstream load", async () => {
  const app = m.workload("down", "v1").app;
  app.behave(() => ({ kind: "answer", status: 503 }));
  const requests = 600;
  const started = Date.now();
  const replies = await inParallel(requests, 16, (i) => m.send("client", "down", { path: `/x/${i}` }));
  const seconds = (Date.now() - started) / 1000;
  assert.ok(replies.every((r) => r.status === 503));
  const tries = app.requests.length;
  // Without a budget: 4 tries each, 2,400. With it: retries that fail stay within 20% of requests
  // plus a reserve of 10 per second of the 10 s window: 100 per window. A slow machine that takes
  // longer than a window earns another reserve; the cap says so.
  const cap = requests * 1.2 + 100 * Math.ceil((seconds + 1) / 10);
  assert.ok(tries <= cap, `the upstream saw ${tries} tries for ${requests} requests in ${seconds.toFixed(1)} s (cap ${cap})`);
  assert.ok(tries >= requests + 100, `only ${tries} tries: the reserve and the 20% should still allow retries`);
  assert.match(await m.workload("client", "v1").proxy.metrics.text(), /typemesh_retries_denied_total\{destination_service="test\/down",route="all",reason="budget-exhausted"\} [1-9]/);
});
