// mTLS between a PeerTls client and the inbound listener, with certificates from a real CA: the peer's
// SPIFFE ID is checked, plaintext and TLS share one port, and a new certificate is used for new
// connections without touching the pool.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { Registry } from "prom-client";
import { Pool } from "undici";
import { CertificateAuthority } from "../../control-plane/ca/certificate-authority.ts";
import { createCsr } from "./csr.ts";
import { IdentityMetrics } from "./identity-metrics.ts";
import { createInboundListener } from "./inbound-listener.ts";
import { peerOf } from "./peer-identity.ts";
import { PeerTls } from "./peer-tls.ts";
import { WorkloadIdentity } from "./workload-identity.ts";

const work = mkdtempSync(path.join(os.tmpdir(), "typemesh-peer-tls-"));
after(() => rmSync(work, { recursive: true, force: true }));
const server = "spiffe://typemesh.local/ns/shop/sa/payments";
const client = "spiffe://typemesh.local/ns/shop/sa/checkout";

async function identityFor(ca: CertificateAuthority, spiffeId: string, into = new WorkloadIdentity(undefined, new IdentityMetrics(new Registry()), () => {})) {
  const pending = await createCsr(spiffeId);
  into.setTrustBundle(ca.trustBundle());
  into.install(pending.keyPem, (await ca.issue(pending.csrPem, spiffeId)).certificatePem);
  return into;
}

test("mTLS and plaintext on one port; the peer must be the expected SPIFFE ID; rotation reaches new connections", async () => {
  const ca = await CertificateAuthority.open({ stateDir: work }, "typemesh.local");
  const serverIdentity = await identityFor(ca, server);
  const listener = createInboundListener({}, (req, res) => {
    const peer = peerOf(req);
    res.end(peer.security === "mutual_tls" ? `${peer.uri} ${(req.socket as import("node:tls").TLSSocket).getPeerX509Certificate()?.serialNumber}` : "plaintext");
  }, serverIdentity);
  await new Promise<void>((resolve) => listener.server.listen(0, "127.0.0.1", resolve));
  const port = (listener.server.address() as AddressInfo).port;
  const clientIdentity = await identityFor(ca, client);
  const tls = new PeerTls(clientIdentity);
  const pool = (expected: string) => new Pool(`https://127.0.0.1:${port}`, { connect: tls.connectorFor(expected) });
  const get = async (p: Pool) => (await (await p.request({ method: "GET", path: "/" })).body.text());
  try {
    const good = pool(server);
    const [uri, firstSerial] = (await get(good)).split(" ");
    assert.equal(uri, client);
    await assert.rejects(get(pool("spiffe://typemesh.local/ns/shop/sa/catalog")), /the peer's certificate is for .*payments, expected .*catalog/);
    const plain = new Pool(`http://127.0.0.1:${port}`);
    assert.equal(await get(plain), "plaintext");
    await plain.close();

    await identityFor(ca, client, clientIdentity);
    const renewed = pool(server);
    const [, secondSerial] = (await get(renewed)).split(" ");
    assert.notEqual(secondSerial, firstSerial, "a new connection presents the new certificate");
    await good.close();
    await renewed.close();
  } finally {
    await listener.close();
  }
});

test("a client certificate from another CA is refused at the handshake", async () => {
  const ca = await CertificateAuthority.open({ stateDir: path.join(work, "a") }, "typemesh.local");
  const other = await CertificateAuthority.open({ stateDir: path.join(work, "b") }, "typemesh.local");
  const listener = createInboundListener({}, (_req, res) => res.end("ok"), await identityFor(ca, server));
  await new Promise<void>((resolve) => listener.server.listen(0, "127.0.0.1", resolve));
  const port = (listener.server.address() as AddressInfo).port;
  const stranger = await identityFor(other, client);
  stranger.setTrustBundle({ version: "both", roots: [...ca.trustBundle().roots, ...other.trustBundle().roots] });
  const p = new Pool(`https://127.0.0.1:${port}`, { connect: new PeerTls(stranger).connectorFor(server) });
  try {
    await assert.rejects(p.request({ method: "GET", path: "/" }).then((r) => r.body.text()));
  } finally {
    await p.destroy();
    await listener.close();
  }
});
