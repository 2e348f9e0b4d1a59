// Who is calling the inbound listener: the SPIFFE ID in the peer's verified certificate under mTLS,
// nobody over plaintext. Headers from the network never say who the caller is. Looked up once per
// connection.
import type { IncomingMessage } from "node:http";
import type { Socket } from "node:net";
import type { TLSSocket } from "node:tls";
import { spiffeIdOfCertificate, type SpiffeId } from "../../identity/spiffe.ts";

export type PeerIdentity =
  | { security: "mutual_tls"; spiffe: SpiffeId | undefined; uri: string }
  | { security: "none" };

const PLAINTEXT: PeerIdentity = { security: "none" };
const cache = new WeakMap<Socket, PeerIdentity>();

export function peerOf(req: IncomingMessage): PeerIdentity {
  const socket = req.socket;
  let peer = cache.get(socket);
  if (!peer) {
    const tls = socket as TLSSocket;
    if (!tls.encrypted || !tls.authorized) peer = PLAINTEXT;
    else {
      const certificate = tls.getPeerX509Certificate();
      const spiffe = certificate && spiffeIdOfCertificate(certificate);
      peer = { security: "mutual_tls", spiffe, uri: spiffe?.uri ?? "unknown" };
    }
    cache.set(socket, peer);
  }
  return peer;
}

/** The caller's service id ("namespace/name") when its SPIFFE ID is in this mesh's trust domain. */
export function callerServiceId(peer: PeerIdentity, trustDomain: string | undefined): string | undefined {
  if (peer.security !== "mutual_tls") return undefined;
  if (peer.spiffe && peer.spiffe.trustDomain === trustDomain) return peer.spiffe.serviceId;
  // Authenticated, but not a service of this mesh: a name no rule can list.
  return peer.uri;
}
