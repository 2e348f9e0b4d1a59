// Checks a workload certificate a proxy presents when it reconnects: it must chain to a root of the
// trust bundle, be within its validity, and carry exactly one SPIFFE ID of this trust domain.
import { X509Certificate as NodeCertificate } from "node:crypto";
import { spiffeIdOfCertificate, type SpiffeId } from "../../identity/spiffe.ts";
import { issuingRoot } from "./issuer.ts";
import type { Root } from "./root-store.ts";

export type CertificateCheck =
  | { ok: true; spiffe: SpiffeId; certificate: NodeCertificate; root: Root }
  | { ok: false; reason: string };

export function checkWorkloadCertificate(pem: string, roots: readonly Root[], trustDomain: string | undefined, now = new Date()): CertificateCheck {
  let certificate: NodeCertificate;
  try {
    certificate = new NodeCertificate(pem);
  } catch (error) {
    return { ok: false, reason: `not a certificate: ${(error as Error).message}` };
  }
  if (certificate.ca) return { ok: false, reason: "a CA certificate is not a workload certificate" };
  const root = issuingRoot(certificate, roots);
  if (!root) return { ok: false, reason: "the certificate does not chain to a root of the trust bundle" };
  if (now < new Date(certificate.validFrom)) return { ok: false, reason: `the certificate is not valid before ${certificate.validFrom}` };
  if (now > new Date(certificate.validTo)) return { ok: false, reason: `the certificate expired at ${new Date(certificate.validTo).toISOString()}` };
  const spiffe = spiffeIdOfCertificate(certificate);
  if (!spiffe) return { ok: false, reason: "the certificate carries no single SPIFFE ID" };
  if (trustDomain !== undefined && spiffe.trustDomain !== trustDomain) {
    return { ok: false, reason: `the certificate is for trust domain ${spiffe.trustDomain}, the mesh's is ${trustDomain}` };
  }
  return { ok: true, spiffe, certificate, root };
}
