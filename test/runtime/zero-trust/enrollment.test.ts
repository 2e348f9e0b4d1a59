// Who may join as what: join tokens bound to a service, CSRs only for the entitled SPIFFE ID, a proxy
// reads only its own view, reconnects prove the certificate instead of a token, and a certificate that
// expired while the control plane was down is reported and renewed when it returns.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import WebSocket from "ws";
import { ControlPlane } from "../../../src/runtime/control-plane/control-plane.ts";
import type { ControlPlaneMessage } from "../../../src/runtime/protocol/messages.ts";
import { createCsr } from "../../../src/runtime/proxy/identity/csr.ts";
import { Proxy } from "../../../src/runtime/proxy/proxy.ts";
import { startZeroTrustMesh, viaSidecar, type ZeroTrustMesh } from "./harness.ts";

/** A hand-driven config stream client: says hello, collects frames until the socket closes. */
function rawProxy(url: string, hello: Record<string, unknown>) {
  const socket = new WebSocket(new URL("/v1/stream", url).toString().replace(/^http/, "ws"));
  const frames: ControlPlaneMessage[] = [];
  const waiters: (() => void)[] = [];
  let closed = false;
  socket.on("open", () => socket.send(JSON.stringify({ type: "hello", ...hello })));
  socket.on("message", (data) => { frames.push(JSON.parse(data.toString()) as ControlPlaneMessage); for (const w of waiters.splice(0)) w(); });
  socket.on("close", () => { closed = true; for (const w of waiters.splice(0)) w(); });
  return {
    frames,
    send: (message: Record<string, unknown>) => socket.send(JSON.stringify(message)),
    async next<T extends ControlPlaneMessage["type"]>(type: T): Promise<Extract<ControlPlaneMessage, { type: T }>> {
      const deadline = Date.now() + 10_000;
      for (;;) {
        const found = frames.find((f) => f.type === type || f.type === "error");
        if (found) {
          frames.splice(frames.indexOf(found), 1);
          if (found.type !== type) throw new Error(`expected ${type}, got ${JSON.stringify(found)}`);
          return found as Extract<ControlPlaneMessage, { type: T }>;
        }
        if (closed || Date.now() > deadline) throw new Error(`no ${type}: ${JSON.stringify(frames)}`);
        await new Promise<void>((resolve) => { waiters.push(resolve); setTimeout(resolve, 200); });
      }
    },
    async refusal(): Promise<string> {
      const error = await this.next("error");
      return error.message;
    },
    close: () => socket.terminate(),
  };
}

const node = (service: string, id = `raw-${service}`) => ({ id, service, version: "v1", inbound: { host: "127.0.0.1", port: 1 } });

describe("enrollment and the control plane's identity surfaces", { timeout: 120_000 }, () => {
  let mesh: ZeroTrustMesh;
  before(async () => { mesh = await startZeroTrustMesh(); });
  after(() => mesh.stop());

  test("a CSR for another identity is refused, at enrollment and at renewal", async () => {
    const { token } = mesh.cp.issueJoinToken("checkout");
    const client = rawProxy(mesh.url, { node: node("checkout"), token, mtls: true });
    const identity = await client.next("identity");
    assert.equal(identity.spiffeId, "spiffe://typemesh.local/ns/shop/sa/checkout");
    client.send({ type: "csr", csr: (await createCsr("spiffe://typemesh.local/ns/shop/sa/payments")).csrPem });
    assert.match(await client.refusal(), /CSR refused: this proxy may only get a certificate for spiffe:\/\/typemesh.local\/ns\/shop\/sa\/checkout, and the CSR asks for .*payments/);

    const honest = rawProxy(mesh.url, { node: node("checkout", "raw-checkout-2"), token, mtls: true });
    await honest.next("identity");
    honest.send({ type: "csr", csr: (await createCsr("spiffe://typemesh.local/ns/shop/sa/checkout")).csrPem });
    assert.match((await honest.next("certificate")).certificate, /BEGIN CERTIFICATE/);
    honest.send({ type: "csr", csr: (await createCsr("spiffe://typemesh.local/ns/shop/sa/payments")).csrPem });
    assert.match((await honest.next("csr-refused")).reason, /may only get a certificate for .*checkout/);
    honest.close();
  });

  test("a stolen join token cannot fetch another service's view; the right one gets only its own", async () => {
    const { token } = mesh.cp.issueJoinToken("shop/frontend");
    const thief = rawProxy(mesh.url, { node: node("payments"), token });
    assert.match(await thief.refusal(), /this join token is for shop\/frontend, not "payments"/);
    const noToken = rawProxy(mesh.url, { node: node("payments") });
    assert.match(await noToken.refusal(), /a join token is required/);
    const wrong = rawProxy(mesh.url, { node: node("payments"), token: "tmj_not-a-token" });
    assert.match(await wrong.refusal(), /invalid join token/);
    const owner = rawProxy(mesh.url, { node: node("frontend"), token });
    const snapshot = await owner.next("snapshot");
    assert.equal(snapshot.view.self.service, "shop/frontend");
    assert.equal(snapshot.view.inbound?.id, "shop/frontend");
    owner.close();
  });

  test("the identity API needs the admin token; tokens are listed without their secrets and can be revoked", async () => {
    assert.equal((await fetch(`${mesh.url}/api/ca`)).status, 401);
    const auth = { authorization: "Bearer zt-admin" };
    const created = await (await fetch(`${mesh.url}/api/join-tokens`, { method: "POST", headers: auth, body: JSON.stringify({ service: "catalog" }) })).json() as { token: string; id: string; service: string };
    assert.equal(created.service, "shop/catalog");
    const listed = await (await fetch(`${mesh.url}/api/join-tokens`, { headers: auth })).text();
    assert.ok(listed.includes(created.id) && !listed.includes(created.token));
    assert.equal((await fetch(`${mesh.url}/api/join-tokens/${created.id}`, { method: "DELETE", headers: auth })).status, 200);
    const revoked = rawProxy(mesh.url, { node: node("catalog"), token: created.token });
    assert.match(await revoked.refusal(), /invalid join token/);
    const status = await (await fetch(`${mesh.url}/api/ca`, { headers: auth })).json() as { trustBundle: { roots: { active: boolean }[] }; lifetimeSeconds: number };
    assert.equal(status.trustBundle.roots.filter((r) => r.active).length, 1);
    assert.equal(status.lifetimeSeconds, 86_400);
  });

  test("a restarted proxy rejoins by proving its certificate, without a token", async () => {
    const first = await mesh.start("payments", "v1");
    await mesh.waitReady(1);
    const serial = mesh.cp.identity.status().proxies.find((p) => p.proxyId === "payments-v1")!.certificate!.serial;
    await first.proxy.close();
    const again = new Proxy({ service: "payments", version: "v1", app: { host: "127.0.0.1", port: 9 }, controlPlane: mesh.url, stateDir: `${mesh.work}/px`, id: "payments-v1" });
    await again.start();
    try {
      const deadline = Date.now() + 10_000;
      while (!mesh.cp.status().proxies.some((p) => p.id === "payments-v1" && p.state === "SYNCED") && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
      const status = mesh.cp.identity.status().proxies.find((p) => p.proxyId === "payments-v1");
      assert.equal(status?.certificate?.serial, serial, "the same certificate, proven, not a new one");
      assert.equal(again.identity.state(), "ready");
    } finally {
      await again.close();
    }
  });
});

test("a certificate that expired while the control plane was down is reported, and renewed when it returns", { timeout: 120_000 }, async () => {
  const mesh = await startZeroTrustMesh({ lifetimeMs: 3_000, workloads: [["frontend", "v1"], ["catalog", "v1"]] });
  const frontend = mesh.workloads.get("frontend-v1")!;
  let cp: ControlPlane | undefined;
  try {
    assert.equal((await viaSidecar(frontend.ports.outbound, "catalog", "GET", "/products/7")).status, 200);
    const port = Number(new URL(mesh.url).port);
    await mesh.cp.close();
    const notAfter = frontend.proxy.identity.notAfter()!.getTime();
    await new Promise((r) => setTimeout(r, Math.max(0, notAfter - Date.now()) + 300));

    assert.equal(frontend.proxy.identity.state(), "expired");
    const refused = await viaSidecar(frontend.ports.outbound, "catalog", "GET", "/products/7");
    assert.equal(refused.status, 503);
    assert.equal(refused.reason, "identity-expired");
    assert.match(refused.body, /certificate for spiffe:\/\/typemesh.local\/ns\/shop\/sa\/frontend expired at .* is it reachable\?/);
    const ready = await fetch(`http://127.0.0.1:${frontend.ports.admin}/ready`);
    assert.equal(ready.status, 503);
    assert.match(await ready.text(), /expired/);
    assert.match(await frontend.proxy.metrics.text(), /typemesh_proxy_identity_state\{state="expired"\} 1/);

    cp = new ControlPlane({ stateDir: `${mesh.work}/cp`, adminToken: "zt-admin", port, endpointDebounceMs: 10, ca: { lifetimeMs: 3_000 } });
    await cp.listen();
    const deadline = Date.now() + 20_000;
    let reply = refused;
    while (Date.now() < deadline) {
      reply = await viaSidecar(frontend.ports.outbound, "catalog", "GET", "/products/7");
      if (reply.status === 200) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(reply.status, 200, `still ${reply.status} ${reply.reason}: ${reply.body}`);
    assert.equal(frontend.proxy.identity.state(), "ready");
  } finally {
    for (const w of mesh.workloads.values()) await w.stop();
    await cp?.close();
  }
});
