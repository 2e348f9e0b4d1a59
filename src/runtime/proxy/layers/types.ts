// The shape every proxy layer shares. A layer wraps the next handler (linkerd2-proxy's stack, in
// TypeScript): the route's stack is composed once when a config is applied and reads top to bottom.
import type { Readable } from "node:stream";
import type { RouteIR, ServiceIR } from "../../../compiler/ir/schema.ts";
import type { Endpoint } from "../../protocol/messages.ts";
import { ResponseBody } from "../response-body.ts";
import type { CancelSignal } from "./cancellation.ts";

export type Headers = Record<string, string | string[]>;

export interface OutboundRequest {
  method: string;
  /** Path with query string, as forwarded. */
  target: string;
  /**
   * This request's own object: the listener copied it from the client's (forwardableHeaders), and a
   * layer that changes it wholesale makes a new one (header-changes.ts). A layer that runs once per
   * request, above retry, may add a header in place (route-tag.ts) rather than copy it again.
   */
  headers: Headers;
  /** The request body stream, or undefined when the request has none. */
  body: Readable | undefined;
  service: ServiceIR;
  route: RouteIR;
  /**
   * Chosen by the split layer, which writes it on the listener's own request (split.ts). Present from
   * the start (undefined until chosen), as `endpoint` is: layers copy the request with one field changed
   * (`{ ...request, endpoint }`), and V8 copies an object at the cost of a literal only when no new key
   * is added; adding one cost 1.5 µs per copy (measured).
   */
  version: string | undefined;
  /** Chosen by the balancer. */
  endpoint: Endpoint | undefined;
  /** Aborted when the client goes away (and, later, by timeouts). */
  signal: CancelSignal;
  source: { service: string; version: string };
}

export interface UpstreamResponse {
  status: number;
  headers: Headers;
  /** Streamed from the upstream (response-body.ts); null when there is none. */
  body: ResponseBody | null;
  /** Set on replies the proxy made itself; names why (sent as x-typemesh-reason). */
  reason?: string;
  /** Whether the hop to the endpoint was mTLS (Istio's connection_security_policy label). */
  security?: "mutual_tls" | "none";
}

export type Handler = (request: OutboundRequest) => Promise<UpstreamResponse>;
export type Layer = (next: Handler) => Handler;

/**
 * A handler's answer, with a synchronous throw turned into a rejection: what an async function did for
 * the layers that wait with a `then` instead (no generator and promise of their own per request).
 */
export function answerOf(handler: Handler, request: OutboundRequest): Promise<UpstreamResponse> {
  try {
    return handler(request);
  } catch (error) {
    return Promise.reject(error);
  }
}

/** A reply made by the proxy, with the reason in a header and a one-line body. */
export function localReply(status: number, reason: string, message: string): UpstreamResponse {
  return {
    status,
    reason,
    headers: { "content-type": "text/plain; charset=utf-8", "x-typemesh-reason": reason },
    body: ResponseBody.of(`${message}\n`),
  };
}
