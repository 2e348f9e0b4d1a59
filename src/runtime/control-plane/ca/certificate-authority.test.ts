import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { generateKeyPair, SIGNING_ALGORITHM, x509 } from "../../identity/x509.ts";
import { CertificateAuthority } from "./certificate-authority.ts";
import { CsrRefused } from "./issuer.ts";
import { JoinTokens } from "./join-tokens.ts";

const work = mkdtempSync(path.join(os.tmpdir(), "typemesh-ca-"));
after(() => rmSync(work, { recursive: true, force: true }));

async function csrFor(uris: string[], keys?: CryptoKeyPair): Promise<string> {
  keys ??= await generateKeyPair();
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    keys, signingAlgorithm: SIGNING_ALGORITHM,
    extensions: uris.length ? [new x509.SubjectAlternativeNameExtension(uris.map((value) => ({ type: "url" as const, value })))] : [],
  });
  return csr.toString("pem");
}

const checkout = "spiffe://typemesh.local/ns/shop/sa/checkout";

test("a root is generated on first start, persisted with a private key file, and reused", async () => {
  const dir = path.join(work, "persist");
  const first = await CertificateAuthority.open({ stateDir: dir }, "typemesh.local");
  const again = await CertificateAuthority.open({ stateDir: dir }, "typemesh.local");
  assert.equal(again.activeRootId(), first.activeRootId());
  assert.deepEqual(again.trustBundle(), first.trustBundle());
  const key = path.join(dir, "ca", `${first.activeRootId()}.key.pem`);
  assert.equal(statSync(key).mode & 0o777, 0o600);
});

test("signs a CSR for the entitled SPIFFE ID: one URI SAN, not a CA, the configured lifetime", async () => {
  const ca = await CertificateAuthority.open({ stateDir: path.join(work, "sign"), lifetimeMs: 10_000 }, "typemesh.local");
  const issued = await ca.issue(await csrFor([checkout]), checkout);
  const cert = new X509Certificate(issued.certificatePem);
  assert.equal(cert.subjectAltName, `URI:${checkout}`);
  assert.equal(cert.ca, false);
  assert.ok(cert.verify(new X509Certificate(ca.trustBundle().roots[0]!).publicKey));
  const lifetime = new Date(cert.validTo).getTime() - Date.now();
  assert.ok(lifetime > 8_000 && lifetime <= 10_000, `lifetime ${lifetime}`);
  assert.equal(ca.check(issued.certificatePem, "typemesh.local").ok, true);
  assert.equal(ca.check(issued.certificatePem, "other.domain").ok, false);
});

test("refuses a CSR for another identity, for extra names, and with a forged signature", async () => {
  const ca = await CertificateAuthority.open({ stateDir: path.join(work, "refuse") }, "typemesh.local");
  await assert.rejects(ca.issue(await csrFor(["spiffe://typemesh.local/ns/shop/sa/payments"]), checkout), (e) => e instanceof CsrRefused && /may only get a certificate for .*checkout/.test(e.message));
  await assert.rejects(ca.issue(await csrFor([checkout, "spiffe://typemesh.local/ns/shop/sa/payments"]), checkout), CsrRefused);
  await assert.rejects(ca.issue(await csrFor([]), checkout), /no SPIFFE ID/);
  const pem = await csrFor([checkout]);
  const der = Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ""), "base64");
  der[der.length - 5]! ^= 0xff; // inside the signature
  const forged = `-----BEGIN CERTIFICATE REQUEST-----\n${der.toString("base64")}\n-----END CERTIFICATE REQUEST-----\n`;
  await assert.rejects(ca.issue(forged, checkout), CsrRefused);
});

test("a certificate chains only while its root is in the trust bundle; expired ones are refused", async () => {
  const ca = await CertificateAuthority.open({ stateDir: path.join(work, "rotate"), lifetimeMs: 2_000 }, "typemesh.local");
  const old = ca.activeRootId();
  const issued = await ca.issue(await csrFor([checkout]), checkout);
  const added = await ca.addRoot("typemesh.local");
  assert.equal(ca.trustBundle().roots.length, 2);
  ca.activate(added.id);
  assert.equal(ca.check(issued.certificatePem, "typemesh.local").ok, true);
  ca.retire(old);
  assert.deepEqual(ca.trustBundle().roots.length, 1);
  assert.match((ca.check(issued.certificatePem, "typemesh.local") as { reason: string }).reason, /does not chain/);
  assert.throws(() => ca.retire(added.id), /signs certificates/);
  const fresh = await ca.issue(await csrFor([checkout]), checkout);
  const later = new Date(Date.now() + 5_000);
  assert.match((ca.check(fresh.certificatePem, "typemesh.local", later) as { reason: string }).reason, /expired/);
});

test("join tokens are bound to a service, stored as digests, and revocable", () => {
  const tokens = new JoinTokens(path.join(work, "tokens"), { "operator-secret": "shop/payments" });
  const { token, info } = tokens.issue("shop/checkout");
  assert.equal(tokens.serviceOf(token), "shop/checkout");
  assert.equal(tokens.serviceOf("operator-secret"), "shop/payments");
  assert.equal(tokens.serviceOf("nope"), undefined);
  const reopened = new JoinTokens(path.join(work, "tokens"));
  assert.equal(reopened.serviceOf(token), "shop/checkout");
  assert.ok(!JSON.stringify(reopened.list()).includes(token));
  assert.equal(reopened.revoke(info.id), true);
  assert.equal(reopened.serviceOf(token), undefined);
});

