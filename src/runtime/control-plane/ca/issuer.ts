// Signs a workload certificate from a CSR, for exactly the SPIFFE ID the requester is entitled to. The
// CSR proves possession of the key; everything else in the certificate is the CA's choice: one URI SAN,
// not a CA, client and server auth, short-lived.
import { X509Certificate as NodeCertificate } from "node:crypto";
import { randomSerial, SIGNING_ALGORITHM, x509 } from "../../identity/x509.ts";
import type { Root } from "./root-store.ts";

/** A CSR the CA will not sign; the reason goes back to the proxy. */
export class CsrRefused extends Error {}

export interface IssuedCertificate {
  certificatePem: string;
  spiffeId: string;
  serial: string;
  notAfter: Date;
  rootId: string;
}

/** Certificates start this much in the past, so a peer whose clock is a little behind accepts them. */
export const BACKDATE_MS = 30_000;

function requestedUris(csr: x509.Pkcs10CertificateRequest): string[] {
  const raw = csr.extensions.find((e) => e.type === "2.5.29.17");
  if (!raw) return [];
  const san = new x509.SubjectAlternativeNameExtension(raw.rawData);
  const names = san.names.items;
  const other = names.filter((n) => n.type !== "url");
  if (other.length > 0) throw new CsrRefused(`the CSR asks for names other than the SPIFFE ID (${other.map((n) => `${n.type}:${n.value}`).join(", ")})`);
  return names.map((n) => n.value);
}

export async function issueCertificate(
  csrPem: string,
  entitled: { spiffeId: string },
  signer: Root,
  lifetimeMs: number,
  now = new Date(),
): Promise<IssuedCertificate> {
  let csr: x509.Pkcs10CertificateRequest;
  try {
    csr = new x509.Pkcs10CertificateRequest(csrPem);
  } catch (error) {
    throw new CsrRefused(`not a PKCS#10 CSR: ${(error as Error).message}`);
  }
  if (!(await csr.verify())) throw new CsrRefused("the CSR's signature does not verify: it must be signed by the key it carries");
  const algorithm = csr.publicKey.algorithm as EcKeyAlgorithm;
  if (algorithm.name !== "ECDSA" || algorithm.namedCurve !== "P-256") {
    throw new CsrRefused(`the CSR's key is ${algorithm.name}${algorithm.namedCurve ? ` ${algorithm.namedCurve}` : ""}; workload keys are ECDSA P-256`);
  }
  const uris = requestedUris(csr);
  if (uris.length !== 1 || uris[0] !== entitled.spiffeId) {
    throw new CsrRefused(`this proxy may only get a certificate for ${entitled.spiffeId}, and the CSR asks for ${uris.length === 0 ? "no SPIFFE ID" : uris.join(", ")}`);
  }
  const issuer = new x509.X509Certificate(signer.certificatePem);
  const notAfter = new Date(now.getTime() + lifetimeMs);
  const serial = randomSerial();
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: serial,
    subject: "O=typemesh",
    issuer: issuer.subject,
    notBefore: new Date(now.getTime() - BACKDATE_MS),
    notAfter,
    publicKey: csr.publicKey,
    signingKey: signer.signingKey,
    signingAlgorithm: SIGNING_ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyAgreement, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]),
      new x509.SubjectAlternativeNameExtension([{ type: "url", value: entitled.spiffeId }], true),
      await x509.AuthorityKeyIdentifierExtension.create(issuer),
    ],
  });
  return { certificatePem: certificate.toString("pem"), spiffeId: entitled.spiffeId, serial, notAfter, rootId: signer.id };
}

/** Which trusted root signed a certificate, or undefined. */
export function issuingRoot<R extends { certificate: NodeCertificate }>(certificate: NodeCertificate, roots: readonly R[]): R | undefined {
  return roots.find((root) => certificate.checkIssued(root.certificate) && certificate.verify(root.certificate.publicKey));
}
