// Outbound mTLS to a peer proxy's inbound: TLS 1.3 with this proxy's certificate, the peer verified
// against the trust bundle, and its certificate required to carry the SPIFFE ID the control plane
// registered for that endpoint (not a hostname). Connections pick up the newest certificate and trust
// bundle when they are opened, so rotation needs no new pools and drops no connection.
import type { PeerCertificate } from "node:tls";
import { buildConnector } from "undici";
import { uriSans } from "../../identity/spiffe.ts";
import type { WorkloadIdentity } from "./workload-identity.ts";

export class PeerIdentityMismatch extends Error {
  readonly code = "ERR_TYPEMESH_PEER_IDENTITY";
}

export function checkPeerIdentity(expected: string, cert: PeerCertificate): Error | undefined {
  const ids = uriSans(cert.subjectaltname);
  if (ids.length === 1 && ids[0] === expected) return undefined;
  return new PeerIdentityMismatch(`the peer's certificate is for ${ids.join(", ") || "no SPIFFE ID"}, expected ${expected}`);
}

export class PeerTls {
  private readonly connectors = new Map<string, { context: unknown; connect: buildConnector.connector }>();

  constructor(private readonly identity: WorkloadIdentity, private readonly connectTimeoutMs = 2_000) {}

  /** Whether mTLS is used towards endpoints that have an identity. */
  available(): boolean {
    return this.identity.hasMaterial();
  }

  /** A connector for one expected peer identity, always using the current certificate. */
  connectorFor(expected: string): buildConnector.connector {
    return (options, callback) => {
      const context = this.identity.clientSecureContext();
      if (!context) {
        callback(Object.assign(new Error("this proxy has no certificate yet"), { code: "ERR_TYPEMESH_NO_IDENTITY" }), null);
        return;
      }
      let entry = this.connectors.get(expected);
      if (entry?.context !== context) {
        entry = {
          context,
          connect: buildConnector({
            secureContext: context, minVersion: "TLSv1.3", rejectUnauthorized: true, timeout: this.connectTimeoutMs,
            // No TLS session resumption: a resumed session would skip checking the peer against the
            // current trust bundle after a root is retired.
            maxCachedSessions: 0,
            checkServerIdentity: (_host: string, cert: PeerCertificate) => checkPeerIdentity(expected, cert),
          } as buildConnector.BuildOptions),
        };
        this.connectors.set(expected, entry);
      }
      return entry.connect(options, callback);
    };
  }
}
