// The TLS material of the bare Node.js pairs (bare-pair.ts in one process, bare-proxy.ts as two): one
// self-signed certificate that both proxies present and trust, so the handshake's work is a workload
// certificate's (verify a P-256 chain of one, sign) and the hop is TLS 1.3 with client certificates, as
// typemesh's mTLS hop is. Kept-alive connections make the handshake rare either way.
import { createSecureContext, type SecureContextOptions } from "node:tls";
import type { Pool } from "undici";
import { generateKeyPair, privateKeyPem, SIGNING_ALGORITHM, x509 } from "../../src/runtime/identity/x509.ts";

export interface BenchTls {
  key: string;
  cert: string;
  ca: string;
  minVersion: "TLSv1.3";
}

export async function benchTls(): Promise<BenchTls> {
  const keys = await generateKeyPair();
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: "01", name: "O=typemesh-bench", notBefore: new Date(Date.now() - 60_000), notAfter: new Date(Date.now() + 24 * 3600_000),
    keys, signingAlgorithm: SIGNING_ALGORITHM,
    extensions: [new x509.SubjectAlternativeNameExtension([{ type: "url", value: "spiffe://bench/ns/bench/sa/callee" }], true)],
  });
  return { key: await privateKeyPem(keys.privateKey), cert: certificate.toString("pem"), ca: certificate.toString("pem"), minVersion: "TLSv1.3" };
}

/** The listening side: a client certificate required and checked against the trust anchor. */
export function serverTls(tls: BenchTls): SecureContextOptions & { requestCert: true; rejectUnauthorized: true } {
  return { ...tls, requestCert: true, rejectUnauthorized: true };
}

/**
 * The connecting side, as typemesh's (peer-tls.ts): one secure context for every connection (not one
 * built from the PEMs per connection), no session resumption, and the peer checked against the trust
 * anchor rather than a hostname (typemesh checks its SPIFFE ID instead).
 */
export function clientConnect(tls: BenchTls): Pool.Options["connect"] {
  return { secureContext: createSecureContext(tls), minVersion: "TLSv1.3", rejectUnauthorized: true, checkServerIdentity: () => undefined, maxCachedSessions: 0 };
}
