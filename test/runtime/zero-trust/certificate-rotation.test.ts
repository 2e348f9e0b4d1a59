// Acceptance: certificates with a 10 s lifetime, rotated at half-life under continuous load for 60 s,
// with zero failed requests. The suite's one long test; the load is bounded (4 loops, 60 s).
import assert from "node:assert/strict";
import { test } from "node:test";
import { failures, startLoad, startZeroTrustMesh } from "./harness.ts";

test("10 s certificates rotate at half-life under 60 s of continuous load without a failed request", { timeout: 150_000 }, async () => {
  const mesh = await startZeroTrustMesh({ lifetimeMs: 10_000, workloads: [["frontend", "v1"], ["catalog", "v1"], ["checkout", "v1"], ["payments", "v1"]], untimed: true });
  try {
    const serials = new Map<string, Set<string>>();
    const sample = setInterval(() => {
      for (const p of mesh.cp.identity.status().proxies) {
        if (p.certificate) serials.set(p.proxyId, (serials.get(p.proxyId) ?? new Set()).add(p.certificate.serial));
      }
    }, 250);
    const load = startLoad([
      { port: mesh.workloads.get("frontend-v1")!.ports.outbound, host: "catalog", method: "GET", path: "/products/7" },
      { port: mesh.workloads.get("checkout-v1")!.ports.outbound, host: "payments", method: "GET", path: "/refunds/42" },
    ], 4, 60_000);
    const replies = await new Promise<typeof load.replies>((resolve) => setTimeout(() => resolve(load.stop()), 60_000));
    clearInterval(sample);
    assert.deepEqual(failures(replies).slice(0, 10), [], `${failures(replies).length} of ${replies.length} failed`);
    assert.ok(replies.length > 200, `only ${replies.length} requests in 60 s`);
    for (const [proxy, seen] of serials) assert.ok(seen.size >= 8, `${proxy} held ${seen.size} certificates in 60 s; expected one per ~5 s`);
    assert.equal(serials.size, 4);
    for (const w of mesh.workloads.values()) {
      assert.match(await w.proxy.metrics.text(), /typemesh_proxy_identity_cert_renewals_total\{outcome="issued"\} (9|\d\d)/);
      assert.equal(w.proxy.identity.state(), "ready");
    }
  } finally {
    await mesh.stop();
  }
});
