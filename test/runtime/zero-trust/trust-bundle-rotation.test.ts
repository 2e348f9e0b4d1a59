// Acceptance: trust bundle rotation under load — add a new root, let it sign and reissue every
// certificate, retire the old one — with zero failed requests; and the guards that keep the steps in
// order.
import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { test } from "node:test";
import { direct, failures, startLoad, startZeroTrustMesh } from "./harness.ts";

test("rotating the trust bundle under load fails no request", { timeout: 120_000 }, async () => {
  const mesh = await startZeroTrustMesh({ workloads: [["frontend", "v1"], ["catalog", "v1"], ["checkout", "v1"], ["payments", "v1"]], untimed: true });
  try {
    const oldRoot = mesh.cp.identity.ca.activeRootId();
    const oldCertificate = await mesh.certificateFor("shop/checkout");
    const load = startLoad([
      { port: mesh.workloads.get("frontend-v1")!.ports.outbound, host: "catalog", method: "GET", path: "/products/7" },
      { port: mesh.workloads.get("checkout-v1")!.ports.outbound, host: "payments", method: "GET", path: "/refunds/42" },
    ], 4, 60_000);
    await new Promise((r) => setTimeout(r, 1_500));

    // The guards: retiring the signing root, or activating before every proxy has the new root, is refused.
    assert.throws(() => mesh.cp.identity.retire(oldRoot), /signs certificates/);
    const rotated = await mesh.cp.identity.rotate(30_000, 50);
    assert.equal(rotated.from, oldRoot);
    await new Promise((r) => setTimeout(r, 1_500));
    const replies = await load.stop();

    assert.deepEqual(failures(replies).slice(0, 10), [], `${failures(replies).length} of ${replies.length} failed`);
    assert.ok(replies.length > 20, `only ${replies.length} requests`);
    const status = mesh.cp.identity.status();
    assert.deepEqual(status.trustBundle.roots.map((r) => r.id), [rotated.to]);
    for (const p of status.proxies) assert.equal(p.certificate?.rootId, rotated.to, `${p.proxyId} still on the old root`);
    for (const w of mesh.workloads.values()) {
      const cert = new X509Certificate(w.proxy.identity.certificatePem()!);
      assert.ok(cert.verify(new X509Certificate(mesh.cp.identity.ca.trustBundle().roots[0]!).publicKey), `${w.proxy.id} holds a certificate of the new root`);
    }
    // A certificate of the retired root no longer gets in; one of the new root does.
    const inbound = mesh.workloads.get("catalog-v1")!.ports.inbound;
    assert.equal((await direct(inbound, "PUT", "/products/7", oldCertificate)).status, 0);
    assert.equal((await direct(inbound, "PUT", "/products/7", await mesh.certificateFor("shop/checkout"))).status, 200);
  } finally {
    await mesh.stop();
  }
});

test("rotation steps are guarded: a new root cannot sign before every proxy trusts it", { timeout: 60_000 }, async () => {
  const mesh = await startZeroTrustMesh({ workloads: [["catalog", "v1"]] });
  try {
    const auth = { authorization: "Bearer zt-admin" };
    const proxy = mesh.workloads.get("catalog-v1")!.proxy;
    const added = await (await fetch(`${mesh.url}/api/ca/roots`, { method: "POST", headers: auth })).json() as { id: string };
    const deadline = Date.now() + 5_000;
    while (proxy.identity.trustBundleVersion() !== mesh.cp.identity.ca.trustBundle().version && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const oldRoot = mesh.cp.identity.status().trustBundle.roots.find((r) => r.active)!.id;
    const early = await fetch(`${mesh.url}/api/ca/roots/${oldRoot}`, { method: "DELETE", headers: auth });
    assert.equal(early.status, 400, "the signing root cannot be retired");
    await new Promise((r) => setTimeout(r, 100));
    const activated = await fetch(`${mesh.url}/api/ca/roots/${added.id}/activate`, { method: "POST", headers: auth });
    assert.equal(activated.status, 200, await activated.text());
    const retire = async () => fetch(`${mesh.url}/api/ca/roots/${oldRoot}`, { method: "DELETE", headers: auth });
    let retired = await retire();
    for (let i = 0; retired.status === 409 && i < 100; i++) {
      await new Promise((r) => setTimeout(r, 50));
      retired = await retire();
    }
    assert.equal(retired.status, 200, await retired.text());
  } finally {
    await mesh.stop();
  }
});
