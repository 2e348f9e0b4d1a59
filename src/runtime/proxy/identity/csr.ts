// A fresh key pair and a PKCS#10 CSR naming the proxy's SPIFFE ID as its one URI SAN. A new key for
// every certificate: a renewal never reuses the key of the certificate it replaces.
//
// The CSR is written here in DER with node:crypto, not with @peculiar/x509: the proxy makes one CSR
// per certificate and nothing else with X.509 it cannot do with node:crypto, and @peculiar/x509 with its
// Reflect polyfill, tsyringe and ASN.1 schema libraries holds about 7 MB of every sidecar's RSS (issue
// 3: ≤ 80 MB per proxy). The control plane still parses and verifies CSRs with @peculiar/x509
// (control-plane/ca/issuer.ts), and csr.test.ts checks what this writes against it and openssl.
import { generateKeyPair, sign, type KeyObject } from "node:crypto";
import { promisify } from "node:util";

export interface PendingKey {
  keyPem: string;
  csrPem: string;
  spiffeId: string;
}

const generateEcKeyPair = promisify(generateKeyPair);
const signAsync = promisify(sign);

/** One DER element: tag, definite length, contents (each CSR element is far below 64 KiB). */
function der(tag: number, ...contents: Buffer[]): Buffer {
  const body = Buffer.concat(contents);
  const n = body.length;
  if (n > 0xffff) throw new RangeError(`a DER element of ${n} bytes is larger than a CSR has`);
  const length = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  return Buffer.concat([Buffer.from([tag, ...length]), body]);
}

const SEQUENCE = 0x30;
const SET = 0x31;
const OCTET_STRING = 0x04;
const BIT_STRING = 0x03;
/** [0] IMPLICIT, constructed: the request's attributes. */
const ATTRIBUTES = 0xa0;
/** GeneralName uniformResourceIdentifier: [6] IMPLICIT IA5String. */
const URI_NAME = 0x86;
const VERSION_1 = Buffer.from([0x02, 0x01, 0x00]); // INTEGER 0
const EMPTY_NAME = Buffer.from([SEQUENCE, 0x00]); // the subject: a SPIFFE certificate's identity is its URI SAN
const OID_EXTENSION_REQUEST = Buffer.from("06092a864886f70d01090e", "hex"); // 1.2.840.113549.1.9.14
const OID_SUBJECT_ALT_NAME = Buffer.from("0603551d11", "hex"); // 2.5.29.17
const OID_ECDSA_WITH_SHA256 = Buffer.from("06082a8648ce3d040302", "hex"); // 1.2.840.10045.4.3.2

/** The DER CertificationRequest (RFC 2986) for `spiffeId`, signed with `privateKey` (ECDSA P-256, SHA-256). */
async function certificationRequest(spiffeId: string, publicKey: KeyObject, privateKey: KeyObject): Promise<Buffer> {
  // IA5String: ASCII only, as a SPIFFE ID is.
  if (!/^[\x21-\x7e]+$/.test(spiffeId)) throw new Error(`${JSON.stringify(spiffeId)} is not an ASCII URI`);
  const subjectAltName = der(SEQUENCE, OID_SUBJECT_ALT_NAME, der(OCTET_STRING, der(SEQUENCE, der(URI_NAME, Buffer.from(spiffeId, "ascii")))));
  const extensionRequest = der(SEQUENCE, OID_EXTENSION_REQUEST, der(SET, der(SEQUENCE, subjectAltName)));
  const spki = publicKey.export({ format: "der", type: "spki" });
  const info = der(SEQUENCE, VERSION_1, EMPTY_NAME, spki, der(ATTRIBUTES, extensionRequest));
  const signature = await signAsync("sha256", info, { key: privateKey, dsaEncoding: "der" });
  return der(SEQUENCE, info, der(SEQUENCE, OID_ECDSA_WITH_SHA256), der(BIT_STRING, Buffer.from([0]), signature));
}

function pem(label: string, body: Buffer): string {
  const lines = body.toString("base64").match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----`;
}

export async function createCsr(spiffeId: string): Promise<PendingKey> {
  // ECDSA P-256, as every workload key (identity/x509.ts KEY_ALGORITHM): small certificates, fast TLS 1.3 handshakes.
  const { publicKey, privateKey } = await generateEcKeyPair("ec", { namedCurve: "P-256" });
  const csr = await certificationRequest(spiffeId, publicKey, privateKey);
  return { keyPem: privateKey.export({ format: "pem", type: "pkcs8" }).toString(), csrPem: pem("CERTIFICATE REQUEST", csr), spiffeId };
}
