// Fault injection and mirroring end to end. Faults are applied by the destination's proxy (DESIGN:
// inbound … → fault → app), so the caller's timeouts see injected delays; mirrors are fire-and-forget.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { MatchIR } from "../../../src/compiler/ir/schema.ts";
import { mesh, route, service } from "../support/mesh-ir.ts";
import { inParallel, ResilienceMesh } from "../support/resilience-mesh.ts";

const onPath = (prefix: string): MatchIR => ({ path: { kind: "prefix", value: prefix }, headers: [], query: [] });

let m: ResilienceMesh;
before(async () => {
  m = await ResilienceMesh.start(mesh(
    service("client"),
    service("chaos", {
      routes: [
        route("slow", { matches: [onPath("/slow")], timeoutMs: 200, fault: { delay: { fixedMs: 1000, percent: 100 } } }),
        route("aborts", { fault: { abort: { status: 503, percent: 10 } } }),
      ],
    }),
    service("primary", {
      routes: [
        route("plain", { matches: [onPath("/plain")] }),
        route("mirrored", { timeoutMs: 2000, mirror: { service: "test/shadow", percent: 100 } }),
      ],
    }),
    service("shadow"),
  ), ["client", "chaos", "primary", "shadow"].map((service) => ({ service, version: "v1" })));
});
after(() => m?.stop());

test("a 10% abort fault aborts 10% ± 2 points of 2,000 requests", async () => {
  const app = m.workload("chaos", "v1").app;
  const replies = await inParallel(2000, 16, (i) => m.send("client", "chaos", { path: `/p/${i}` }));
  const aborted = replies.filter((r) => r.status === 503 && r.reason === "fault-abort").length;
  const ok = replies.filter((r) => r.status === 200).length;
  assert.equal(aborted + ok, 2000, "a reply was neither an injected abort nor the app's answer");
  assert.ok(aborted >= 160 && aborted <= 240, `${aborted} of 2,000 aborted (${(aborted / 20).toFixed(1)}%)`);
  assert.equal(app.requests.length, ok, "an aborted request reached the app");
  const text = await m.workload("chaos", "v1").proxy.metrics.text();
  assert.match(text, new RegExp(`typemesh_faults_injected_total\\{destination_service="test/chaos",route="aborts",fault="abort"\\} ${aborted}\\b`));
});

test("an injected delay counts against the caller's timeout, and the delayed request never reaches the app", async () => {
  const app = m.workload("chaos", "v1").app;
  const before = app.requests.length;
  const reply = await m.send("client", "chaos", { path: "/slow" });
  assert.equal(reply.status, 504);
  assert.equal(reply.reason, "request-timeout");
  assert.ok(reply.ms < 900, `answered after ${reply.ms.toFixed(0)} ms: the caller waited for the delay`);
  await new Promise((r) => setTimeout(r, 1100));
  assert.equal(app.requests.length, before, "the app saw a request its caller had given up on");
});

test("a mirror target that hangs does not change the primary's latency", async () => {
  const shadow = m.workload("shadow", "v1").app;
  shadow.behave(() => ({ kind: "hang" }));
  const plain: number[] = [];
  const mirrored: number[] = [];
  for (let i = 0; i < 100; i++) {
    const a = await m.send("client", "primary", { path: `/plain/${i}` });
    const b = await m.send("client", "primary", { path: `/mirrored/${i}` });
    assert.equal(a.status, 200);
    assert.equal(b.status, 200);
    plain.push(a.ms);
    mirrored.push(b.ms);
  }
  const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[xs.length >> 1]!;
  // Had the primary waited for its copy, it would have taken the mirror's 2 s timeout.
  assert.ok(Math.max(...mirrored) < 1000, `slowest mirrored request: ${Math.max(...mirrored).toFixed(0)} ms`);
  // The copies cost the caller's process some work (a connection each, up to 32 in flight); waiting
  // for them would cost seconds.
  assert.ok(median(mirrored) <= median(plain) * 2 + 20,
    `median ${median(mirrored).toFixed(1)} ms with a hanging mirror, ${median(plain).toFixed(1)} ms without`);
  assert.ok(shadow.requests.length >= 20, `the mirror got ${shadow.requests.length} copies`);
  assert.equal(shadow.requests[0]!.headers.host, "primary-shadow");
});

test("a mirrored request's body reaches the mirror intact", async () => {
  const shadow = m.workload("shadow", "v1").app;
  shadow.script("with-body", [{ kind: "answer", status: 200 }]);
  const body = Buffer.alloc(20 * 1024, "order-");
  // The test before leaves up to 32 copies hanging at the mirror until their 2 s timeout, and a copy
  // over that cap is dropped by design; so the primary is sent again (once a second, for 15 s at most:
  // a busy machine stretches those timeouts) until a copy gets through, and the first that does is checked.
  const deadline = Date.now() + 15_000;
  while (shadow.seen("with-body").length === 0 && Date.now() < deadline) {
    const reply = await m.send("client", "primary", { method: "POST", path: "/orders", body, headers: { "x-test-script": "with-body" } });
    assert.equal(reply.status, 200);
    const waitUntil = Math.min(deadline, Date.now() + 1000);
    while (shadow.seen("with-body").length === 0 && Date.now() < waitUntil) await new Promise((r) => setTimeout(r, 20));
  }
  const [copy] = shadow.seen("with-body");
  const mirrored = await m.workload("client", "v1").proxy.metrics.text();
  assert.ok(copy, `the mirror never got the copy: ${mirrored.split("\n").filter((l) => l.startsWith("typemesh_mirrored_requests_total")).join("; ")}`);
  assert.ok(copy.body.equals(body), `the copy's body has ${copy.body.length} bytes, the request's ${body.length}`);
  assert.match(mirrored, /typemesh_mirrored_requests_total\{mirror_service="test\/shadow",outcome="sent"\} [1-9]/);
});
