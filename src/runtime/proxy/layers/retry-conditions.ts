// Which of a route's retryOn conditions a try's outcome meets. The same table as simulate's reference
// (src/compiler/simulate/exchange.ts), applied to real responses:
//   5xx              any 5xx, including a reset, a refused connection and a per-try timeout
//   gateway-error    502, 503, 504 (the same failures as above surface as these)
//   reset            the upstream dropped the connection, or did not answer within the per-try timeout
//   connect-failure  the upstream could not be connected to
//   <status>         that status, whoever produced it
// A reset or refused connection is recognised whether this proxy saw it (forward.ts: upstream-*) or
// the destination's proxy saw it between itself and its app (inbound.ts: app-*). The proxy's fail-fast
// replies (circuit-open, no-healthy-upstream) are never retried: retrying them would only add load.
import type { RetryIR } from "../../../compiler/ir/schema.ts";
import type { UpstreamResponse } from "./types.ts";

const NEVER_RETRIED = new Set(["circuit-open", "no-healthy-upstream"]);
const RESET = new Set(["upstream-reset", "app-reset", "per-try-timeout"]);
const CONNECT_FAILURE = new Set(["upstream-connect-failure", "app-connect-failure"]);

export function reasonOf(response: UpstreamResponse): string | undefined {
  if (response.reason) return response.reason;
  const header = response.headers["x-typemesh-reason"];
  return typeof header === "string" ? header : undefined;
}

/** True when the route's policy retries this outcome. */
export function shouldRetry(policy: RetryIR, response: UpstreamResponse): boolean {
  const status = response.status;
  const reason = reasonOf(response);
  if (reason !== undefined && NEVER_RETRIED.has(reason)) return false;
  if (policy.retryOnStatus.includes(status)) return true;
  for (const condition of policy.retryOn) {
    switch (condition) {
      case "5xx": if (status >= 500) return true; break;
      case "gateway-error": if (status === 502 || status === 503 || status === 504) return true; break;
      case "reset": if (reason !== undefined && RESET.has(reason)) return true; break;
      case "connect-failure": if (reason !== undefined && CONNECT_FAILURE.has(reason)) return true; break;
    }
  }
  return false;
}

/** POST and PATCH repeat side effects when retried (DESIGN: only with retryNonIdempotent). */
export function isIdempotent(method: string): boolean {
  return method !== "POST" && method !== "PATCH";
}
