// mTLS between real proxies and authorization at the inbound, with certificates from the mesh's CA:
// strict refuses plaintext, permissive takes both, a valid certificate with a disallowed identity gets
// 403, DENY beats ALLOW, headers cannot claim an identity, and a policy change reaches open connections.
import assert from "node:assert/strict";
import { Agent, request } from "node:https";
import { after, before, describe, test } from "node:test";
import type { Bundle } from "../../../src/compiler/emit/bundle.ts";
import { createBundle } from "../../../src/compiler/emit/bundle.ts";
import { demoBundle, direct, startZeroTrustMesh, viaSidecar, type ZeroTrustMesh } from "./harness.ts";

describe("mTLS and authorization between real proxies", { timeout: 120_000 }, () => {
  let mesh: ZeroTrustMesh;
  const inbound = (key: string) => mesh.workloads.get(key)!.ports.inbound;
  const metrics = (key: string) => mesh.workloads.get(key)!.proxy.metrics.text();

  before(async () => {
    mesh = await startZeroTrustMesh({ workloads: [["frontend", "v1"], ["checkout", "v1"], ["catalog", "v1"], ["payments", "v1"]] });
  });
  after(() => mesh.stop());

  test("plaintext to a strict service is refused at the connection", async () => {
    for (const key of ["payments-v1", "checkout-v1"]) {
      const reply = await direct(inbound(key), "GET", "/refunds/42");
      assert.equal(reply.status, 0, `${key} answered plaintext: ${reply.status} ${reply.body}`);
      assert.ok(reply.error);
    }
    assert.match(await metrics("payments-v1"), /typemesh_proxy_authorization_denials_total\{source_workload="unknown",destination_service="shop\/payments",reason="mtls-required"\} 1/);
  });

  test("a permissive service accepts plaintext and mTLS, each under its rules", async () => {
    const plaintextRead = await direct(inbound("catalog-v1"), "GET", "/products/7");
    assert.equal(plaintextRead.status, 200, plaintextRead.body);
    const plaintextWrite = await direct(inbound("catalog-v1"), "POST", "/products");
    assert.equal(plaintextWrite.status, 403);
    assert.equal(plaintextWrite.reason, "no-matching-allow-rule");
    const checkoutWrite = await direct(inbound("catalog-v1"), "PUT", "/products/7", await mesh.certificateFor("shop/checkout"));
    assert.equal(checkoutWrite.status, 200, checkoutWrite.body);
    const text = await metrics("catalog-v1");
    assert.match(text, /source_workload="shop\/checkout",[^}]*response_code="200"[^}]*connection_security_policy="mutual_tls"/);
    assert.match(text, /source_workload="unknown",[^}]*response_code="200"[^}]*connection_security_policy="none"/);
  });

  test("a valid certificate with a disallowed identity gets 403 with a reason and a metric", async () => {
    const reply = await direct(inbound("checkout-v1"), "GET", "/cart/items", await mesh.certificateFor("shop/payments"));
    assert.equal(reply.status, 403);
    assert.equal(reply.reason, "no-matching-allow-rule");
    assert.match(reply.body, /shop\/checkout has ALLOW rules and none allows GET \/cart\/items from shop\/payments/);
    assert.match(await metrics("checkout-v1"), /typemesh_proxy_authorization_denials_total\{source_workload="shop\/payments",destination_service="shop\/checkout",reason="no-matching-allow-rule"\} 1/);
    const allowed = await direct(inbound("checkout-v1"), "GET", "/cart/items", await mesh.certificateFor("shop/frontend"));
    assert.equal(allowed.status, 200, allowed.body);
  });

  test("DENY beats ALLOW", async () => {
    const checkout = await mesh.certificateFor("shop/checkout");
    const remove = await direct(inbound("catalog-v1"), "DELETE", "/products/7", checkout);
    assert.equal(remove.status, 403);
    assert.equal(remove.reason, "denied-by-rule");
    assert.match(remove.body, /catalog\.policy\.ts:\d+/);
    const charge = await direct(inbound("payments-v1"), "POST", "/charge", await mesh.certificateFor("shop/frontend"));
    assert.equal(charge.reason, "denied-by-rule");
  });

  test("a header cannot claim an identity, and the app learns the verified one", async () => {
    const spoofed = await direct(inbound("catalog-v1"), "POST", "/products", undefined, { "x-typemesh-source": "shop/checkout", "x-forwarded-client-cert": "URI=spiffe://typemesh.local/ns/shop/sa/checkout" });
    assert.equal(spoofed.status, 403);
    const spoofedTls = await direct(inbound("checkout-v1"), "GET", "/cart/items", await mesh.certificateFor("shop/payments"), { "x-typemesh-source": "shop/frontend" });
    assert.equal(spoofedTls.status, 403);
  });

  test("every hop between sidecars is mTLS, and the caller is known from its certificate", async () => {
    const frontend = mesh.workloads.get("frontend-v1")!.ports.outbound;
    for (let i = 0; i < 5; i++) assert.equal((await viaSidecar(frontend, "catalog", "GET", "/products/7")).status, 200);
    assert.match(await metrics("frontend-v1"), /reporter="source",source_workload="shop\/frontend",[^}]*destination_service="shop\/catalog",[^}]*response_code="200"[^}]*connection_security_policy="mutual_tls"\} 5/);
    assert.match(await metrics("catalog-v1"), /reporter="destination",source_workload="shop\/frontend",[^}]*response_code="200"[^}]*connection_security_policy="mutual_tls"\} 5/);
    assert.match(await metrics("frontend-v1"), /typemesh_proxy_identity_cert_expiration_timestamp_seconds \d{10}/);
  });

  test("a policy change applies to an already-open keep-alive connection at once", async () => {
    const original: Bundle = await demoBundle();
    const agent = new Agent({ keepAlive: true, maxSockets: 1, ...(await mesh.certificateFor("shop/checkout")), minVersion: "TLSv1.3", checkServerIdentity: () => undefined });
    const put = () => new Promise<{ status: number; reused: boolean; reason?: string }>((resolve, reject) => {
      const req = request({ host: "127.0.0.1", port: inbound("catalog-v1"), method: "PUT", path: "/products/7", agent }, (res) => {
        res.resume();
        res.on("end", () => resolve({ status: res.statusCode ?? 0, reused: req.reusedSocket, ...(res.headers["x-typemesh-reason"] && { reason: String(res.headers["x-typemesh-reason"]) }) }));
      });
      req.on("error", reject);
      req.end();
    });
    try {
      assert.equal((await put()).status, 200);
      const ir = structuredClone(original.ir);
      const catalog = ir.services.find((s) => s.id === "shop/catalog")!;
      catalog.authorization.deny.push({ methods: ["PUT"], source: catalog.source });
      const proxy = mesh.workloads.get("catalog-v1")!.proxy;
      const before = proxy.currentVersion();
      mesh.cp.apply(createBundle(ir), "test: catalog denies PUT");
      while (proxy.currentVersion() === before) await new Promise((r) => setTimeout(r, 10));
      const denied = await put();
      assert.equal(denied.reused, true, "the second request should ride the same connection");
      assert.equal(denied.status, 403);
      assert.equal(denied.reason, "denied-by-rule");
    } finally {
      agent.destroy();
      mesh.cp.apply(original, "test: restore");
    }
  });
});
