// A fresh key pair and a PKCS#10 CSR naming the proxy's SPIFFE ID as its one URI SAN. A new key for
// every certificate: a renewal never reuses the key of the certificate it replaces.
import { generateKeyPair, privateKeyPem, SIGNING_ALGORITHM, x509 } from "../../identity/x509.ts";

export interface PendingKey {
  keyPem: string;
  csrPem: string;
  spiffeId: string;
}

export async function createCsr(spiffeId: string): Promise<PendingKey> {
  const keys = await generateKeyPair();
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    keys,
    signingAlgorithm: SIGNING_ALGORITHM,
    extensions: [new x509.SubjectAlternativeNameExtension([{ type: "url", value: spiffeId }])],
  });
  return { keyPem: await privateKeyPem(keys.privateKey), csrPem: csr.toString("pem"), spiffeId };
}
