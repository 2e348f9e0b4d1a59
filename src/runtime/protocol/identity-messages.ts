// Workload identity on the config stream: how a proxy joins, proves who it is, gets and renews its
// certificate, and learns the trust bundle. The control plane's CA signs only the SPIFFE ID the proxy
// is entitled to: the service its join token is bound to, or the one its current certificate names.
//
//   proxy                                              control plane
//   hello {node, mtls: true, token}               ──▶  token bound to node.service? (else refuse)
//                                                 ◀──  identity {spiffeId}; trust-bundle {version, roots}
//   csr {csr: PKCS#10 PEM, URI SAN = spiffeId}    ──▶  signs it (refuses any other SAN or key type)
//                                                 ◀──  certificate {certificate, spiffeId, notAfter}
//   certificate-ack {serial}                      ──▶  installed (what root retirement waits for)
//                                                 ◀──  snapshot … (the usual xDS-like flow, messages.ts)
//   later, at half-life: csr                      ──▶  ◀── certificate (or csr-refused {reason})
//
//   reconnect with a certificate (no token needed):
//   hello {node, mtls: true, certificate, token?} ──▶
//                                                 ◀──  challenge {nonce}
//   proof {signature}                             ──▶  ECDSA-SHA256 over "typemesh-proof\n<nonce>\n<node.id>"
//                                                      with the certificate's key; the certificate must
//                                                      chain to the trust bundle and be unexpired. If it
//                                                      does not, the token (if any) is tried instead.
//                                                 ◀──  trust-bundle; renew {reason} when its root is not
//                                                      the signing one any more; snapshot …
//
//   trust bundle changes (root rotation):         ◀──  trust-bundle {version, roots}
//   trust-bundle-ack {version}                    ──▶  (the control plane waits for every proxy's ACK
//                                                      before a new root may sign, and for every proxy's
//                                                      reissue before an old root may be retired)
//                                                 ◀──  renew {reason}
//
// A hello without `mtls` joins as a plaintext proxy: no certificate, its endpoint is reached in
// plaintext. When the control plane has no join tokens at all it runs open enrollment (any proxy may
// join as the service it names): for development and tests, and it says so in its log.

export type IdentityProxyMessage =
  | { type: "proof"; signature: string }
  | { type: "csr"; csr: string }
  | { type: "certificate-ack"; serial: string }
  | { type: "trust-bundle-ack"; version: string };

export interface TrustBundle {
  version: string;
  /** PEM certificates of every root a peer's certificate may chain to. */
  roots: string[];
}

export type IdentityControlPlaneMessage =
  | { type: "challenge"; nonce: string }
  | { type: "identity"; spiffeId: string }
  | { type: "certificate"; certificate: string; spiffeId: string; notAfter: string }
  | { type: "csr-refused"; reason: string }
  | ({ type: "trust-bundle" } & TrustBundle)
  | { type: "renew"; reason: string };

const MAX_PEM = 16 * 1024;
const isText = (v: unknown, max: number): v is string => typeof v === "string" && v.length > 0 && v.length <= max;

export function proofPayload(nonce: string, proxyId: string): Buffer {
  return Buffer.from(`typemesh-proof\n${nonce}\n${proxyId}`);
}

/** Parses the identity frames a proxy may send; undefined for anything else. */
export function parseIdentityProxyMessage(m: Record<string, unknown>): IdentityProxyMessage | undefined {
  if (m.type === "proof" && isText(m.signature, 1024)) return { type: "proof", signature: m.signature };
  if (m.type === "csr" && isText(m.csr, MAX_PEM)) return { type: "csr", csr: m.csr };
  if (m.type === "certificate-ack" && isText(m.serial, 128)) return { type: "certificate-ack", serial: m.serial.toLowerCase() };
  if (m.type === "trust-bundle-ack" && isText(m.version, 128)) return { type: "trust-bundle-ack", version: m.version };
  return undefined;
}

/** The hello's identity fields: whether the proxy wants a certificate, and the one it holds. */
export function parseHelloIdentity(m: Record<string, unknown>): { mtls?: true; certificate?: string } {
  return { ...(m.mtls === true && { mtls: true as const }), ...(isText(m.certificate, MAX_PEM) && { certificate: m.certificate }) };
}
