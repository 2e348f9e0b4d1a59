// The proxy's CSR, written by hand in DER (csr.ts), read back by what the control plane reads it with
// (@peculiar/x509) and by the control plane's CA itself.
import assert from "node:assert/strict";
import { createPrivateKey, createPublicKey, X509Certificate } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { x509 } from "../../identity/x509.ts";
import { CertificateAuthority } from "../../control-plane/ca/certificate-authority.ts";
import { createCsr } from "./csr.ts";

const work = mkdtempSync(path.join(os.tmpdir(), "typemesh-csr-"));
after(() => rmSync(work, { recursive: true, force: true }));

const payments = "spiffe://typemesh.local/ns/shop/sa/payments";

/** The URI SANs of a CSR, read as the CA reads them (control-plane/ca/issuer.ts). */
function uriSans(csr: x509.Pkcs10CertificateRequest): [string, string][] {
  const raw = csr.extensions.find((e) => e.type === "2.5.29.17");
  assert.ok(raw, "the CSR requests a subjectAltName extension");
  return new x509.SubjectAlternativeNameExtension(raw.rawData).names.items.map((n) => [n.type, n.value]);
}

test("the CSR is PKCS#10 signed by its own P-256 key, with an empty subject and the SPIFFE ID as its one URI SAN", async () => {
  const pending = await createCsr(payments);
  assert.equal(pending.spiffeId, payments);
  assert.match(pending.csrPem, /^-----BEGIN CERTIFICATE REQUEST-----\n([A-Za-z0-9+/=]{64}\n)*[A-Za-z0-9+/=]{1,64}\n-----END CERTIFICATE REQUEST-----$/);
  const csr = new x509.Pkcs10CertificateRequest(pending.csrPem);
  assert.equal(await csr.verify(), true);
  assert.equal(csr.subject, "");
  assert.deepEqual(csr.publicKey.algorithm, { name: "ECDSA", namedCurve: "P-256" });
  assert.deepEqual(csr.signatureAlgorithm, { name: "ECDSA", hash: { name: "SHA-256" } });
  assert.equal(csr.extensions.length, 1);
  assert.deepEqual(uriSans(csr), [["url", payments]]);
  // The key the proxy keeps is the one the CSR carries.
  const kept = createPublicKey(createPrivateKey(pending.keyPem)).export({ format: "der", type: "spki" });
  assert.deepEqual(Buffer.from(csr.publicKey.rawData), kept);
});

test("a new key for every CSR", async () => {
  const [a, b] = await Promise.all([createCsr(payments), createCsr(payments)]);
  assert.notEqual(a.keyPem, b.keyPem);
});

test("the control plane's CA signs it for the entitled SPIFFE ID, and only for that one", async () => {
  const ca = await CertificateAuthority.open({ stateDir: path.join(work, "ca") }, "typemesh.local");
  const pending = await createCsr(payments);
  const issued = await ca.issue(pending.csrPem, payments);
  const certificate = new X509Certificate(issued.certificatePem);
  assert.equal(certificate.subjectAltName, `URI:${payments}`);
  assert.equal(certificate.checkPrivateKey(createPrivateKey(pending.keyPem)), true);
  await assert.rejects(ca.issue(pending.csrPem, "spiffe://typemesh.local/ns/shop/sa/checkout"), /may only get a certificate for .*checkout/);
});

test("a long SPIFFE ID takes the long DER length forms; a SPIFFE ID that is not ASCII is refused", async () => {
  const long = `spiffe://typemesh.local/ns/${"n".repeat(63)}/sa/${"s".repeat(200)}`;
  const csr = new x509.Pkcs10CertificateRequest((await createCsr(long)).csrPem);
  assert.equal(await csr.verify(), true);
  assert.deepEqual(uriSans(csr), [["url", long]]);
  await assert.rejects(createCsr("spiffe://typemesh.local/ns/shop/sa/zahlungsempfänger"), /not an ASCII URI/);
});
