// The inbound side of zero trust, before anything reaches the app: who the caller is (peer-identity),
// whether it may make this request (layers/authorize.ts), and what a refusal looks like: a 403 with the
// reason in x-typemesh-reason and a metric, or, for plaintext to a strict service, a closed connection.
import type { IncomingMessage, ServerResponse } from "node:http";
import { splitTarget } from "../../../compiler/simulate/match-request.ts";
import { writeLocal } from "../http-forwarding.ts";
import { authorizeInbound, type Authorized } from "../layers/authorize.ts";
import type { Router } from "../router.ts";
import type { IdentityMetrics } from "./identity-metrics.ts";
import { peerOf, type PeerIdentity } from "./peer-identity.ts";

export interface InboundIdentity {
  /** Whether this proxy holds mTLS material (then plaintext is refused by strict services). */
  mtlsCapable(): boolean;
  /** This workload's SPIFFE ID, for x-forwarded-client-cert. */
  spiffeId(): string | undefined;
  metrics: IdentityMetrics;
}

export type GateOutcome =
  | { pass: true; authorized: Authorized; peer: PeerIdentity }
  /** Already answered (or the connection closed); record the status and flags. */
  | { pass: false; status: number; flags: string; peer: PeerIdentity; caller?: string };

export function inboundGate(req: IncomingMessage, res: ServerResponse, router: Router | undefined, identity: InboundIdentity | undefined, self: { version: string }): GateOutcome {
  const peer = peerOf(req);
  if (!router) {
    // No view, no policy to enforce: fail closed until the control plane (or the last good config) answers.
    writeLocal(res, 503, "no-config", "this proxy has no config yet, so it cannot authorize requests");
    return { pass: false, status: 503, flags: "no-config", peer };
  }
  const { path } = splitTarget(req.url ?? "/");
  const verdict = authorizeInbound(router.view, peer, req.method ?? "GET", path, { mtlsCapable: identity?.mtlsCapable() ?? false });
  if (verdict.kind === "allow") return { pass: true, authorized: verdict.authorized, peer };
  const destination = router.view.inbound?.id ?? router.view.self.service;
  if (verdict.kind === "refuse-plaintext") {
    identity?.metrics.denials.inc({ source_workload: "unknown", destination_service: destination, reason: "mtls-required" });
    req.socket.destroy();
    return { pass: false, status: 0, flags: "mtls-required", peer };
  }
  identity?.metrics.denials.inc({ source_workload: verdict.caller ?? "unknown", destination_service: destination, reason: verdict.reason });
  res.setHeader("x-typemesh-version", self.version);
  writeLocal(res, 403, verdict.reason, verdict.message);
  return { pass: false, status: 403, flags: verdict.reason, peer, ...(verdict.caller && { caller: verdict.caller }) };
}
