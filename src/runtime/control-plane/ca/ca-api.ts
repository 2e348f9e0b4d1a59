// The admin API's identity endpoints (behind the admin token, like the rest of /api):
//   GET    /api/ca                           roots, trust bundle version, every mTLS proxy's certificate
//   POST   /api/ca/roots                     rotation step 1: a new root, trusted but not signing → 201
//   POST   /api/ca/roots/<id>/activate       step 2: it signs; proxies renew (409 until all ACKed the bundle)
//   DELETE /api/ca/roots/<id>                step 3: retire (409 while a proxy holds a cert it signed)
//   POST   /api/ca/rotate                    the three steps, each waiting until it may proceed
//   GET    /api/join-tokens                  tokens (never their secrets) and the service each is bound to
//   POST   /api/join-tokens {"service"}      a new token bound to that service → 201 {token, id, service}
//   DELETE /api/join-tokens/<id>             revoke (enrolled proxies keep their certificates)
// `?force=1` skips a step's guard.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ControlPlane } from "../control-plane.ts";
import { readBody, sendJson } from "../http-helpers.ts";
import { RotationBlocked } from "./identity-service.ts";

export function isIdentityPath(pathname: string): boolean {
  return pathname === "/api/ca" || pathname.startsWith("/api/ca/") || pathname === "/api/join-tokens" || pathname.startsWith("/api/join-tokens/");
}

export async function handleIdentityApi(cp: ControlPlane, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const identity = cp.identity;
  const force = url.searchParams.get("force") === "1";
  const method = req.method ?? "GET";
  const parts = url.pathname.split("/").filter(Boolean); // ["api", "ca", "roots", id, "activate"]
  try {
    if (parts[1] === "ca") {
      if (method === "GET" && parts.length === 2) return sendJson(res, 200, identity.status());
      if (method === "POST" && parts[2] === "rotate" && parts.length === 3) return sendJson(res, 200, await identity.rotate());
      if (method === "POST" && parts[2] === "roots" && parts.length === 3) return sendJson(res, 201, await identity.addRoot());
      if (method === "POST" && parts[2] === "roots" && parts[4] === "activate" && parts.length === 5) {
        identity.activate(parts[3]!, force);
        return sendJson(res, 200, identity.status());
      }
      if (method === "DELETE" && parts[2] === "roots" && parts.length === 4) {
        identity.retire(parts[3]!, force);
        return sendJson(res, 200, identity.status());
      }
    } else {
      if (method === "GET" && parts.length === 2) return sendJson(res, 200, cp.joinTokens.list());
      if (method === "POST" && parts.length === 2) {
        const body = JSON.parse((await readBody(req, 4096)) || "{}") as { service?: unknown };
        if (typeof body.service !== "string") return sendJson(res, 400, { error: 'body must be {"service": "namespace/name"}' });
        return sendJson(res, 201, cp.issueJoinToken(body.service));
      }
      if (method === "DELETE" && parts.length === 3) {
        return cp.joinTokens.revoke(parts[2]!) ? sendJson(res, 200, { revoked: parts[2] }) : sendJson(res, 404, { error: `no join token ${parts[2]}` });
      }
    }
  } catch (error) {
    if (error instanceof RotationBlocked) return sendJson(res, 409, { error: error.message, pending: error.pending });
    return sendJson(res, 400, { error: (error as Error).message });
  }
  return sendJson(res, 404, { error: `no such endpoint: ${method} ${url.pathname}` });
}
