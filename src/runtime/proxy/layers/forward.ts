// The innermost layer: sends the request to the chosen endpoint over its keep-alive pool and streams
// the response back. Connection failures become local 503s with a reason (Envoy's UF/UR).
import { requestUpstream } from "../upstream-request.ts";
import type { Upstreams } from "../upstreams.ts";
import { localReply, type Handler } from "./types.ts";

const RETRYABLE_CONNECT = new Set(["ECONNREFUSED", "ECONNRESET", "EHOSTUNREACH", "ETIMEDOUT", "UND_ERR_CONNECT_TIMEOUT", "UND_ERR_SOCKET", "EPIPE"]);

export function connectionFailure(error: unknown): "connect-failure" | "reset" | undefined {
  const code = (error as { code?: string }).code ?? "";
  if (code === "ECONNREFUSED" || code === "UND_ERR_CONNECT_TIMEOUT" || code === "EHOSTUNREACH") return "connect-failure";
  if (RETRYABLE_CONNECT.has(code)) return "reset";
  return undefined;
}

export function forward(upstreams: Upstreams): Handler {
  return (request) => {
    const endpoint = request.endpoint;
    if (!endpoint) return Promise.resolve(localReply(503, "no-healthy-upstream", `no endpoint for ${request.service.id}`));
    const upstream = upstreams.get(endpoint);
    upstream.inFlight++;
    return requestUpstream(upstream.pool,
      { method: request.method, path: request.target, headers: request.headers, body: request.body ?? null }, request.signal).then((response) => {
      response.body.onDone(() => { upstream.inFlight--; });
      return { status: response.status, headers: response.headers, body: response.body, security: upstream.security };
    }, (error: Error) => {
      upstream.inFlight--;
      if (request.signal.aborted) throw error;
      const failure = connectionFailure(error);
      if (failure) {
        return localReply(503, `upstream-${failure}`, `upstream ${endpoint.host}:${endpoint.port} (${request.service.id} ${endpoint.version}): ${error.message}`);
      }
      return localReply(502, "upstream-protocol-error", `upstream ${endpoint.host}:${endpoint.port}: ${error.message}`);
    });
  };
}
