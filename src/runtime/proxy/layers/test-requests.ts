// Requests and responses for the layers' unit tests: a route of a service, with whatever the test
// needs changed, and upstream answers that record how they were asked.
import type { Readable } from "node:stream";
import type { RouteIR, ServiceIR } from "../../../compiler/ir/schema.ts";
import { ResponseBody } from "../response-body.ts";
import type { Handler, OutboundRequest, UpstreamResponse } from "./types.ts";

const at = { file: "test", line: 1, column: 1 };

export function testRoute(changes: Partial<RouteIR> = {}): RouteIR {
  return { name: "r", matches: [], destinations: [{ version: "v1", weight: 100 }], source: at, ...changes };
}

export function testService(changes: Partial<ServiceIR> = {}): ServiceIR {
  return {
    id: "test/svc", name: "svc", namespace: "test", port: 8080, identity: "spiffe://t/ns/test/sa/svc", mtls: "permissive",
    loadBalancer: "round-robin", versions: [{ name: "v1", labels: {} }], routes: [], authorization: { allow: [], deny: [] }, source: at,
    ...changes,
  };
}

export function testRequest(changes: Partial<OutboundRequest> = {}): OutboundRequest {
  return {
    method: "GET", target: "/", headers: {}, body: undefined, service: testService(), route: testRoute(), version: undefined, endpoint: undefined,
    signal: new AbortController().signal, source: { service: "test/caller", version: "v1" }, ...changes,
  };
}

export function answer(status: number, extra: Partial<UpstreamResponse> = {}): UpstreamResponse {
  return { status, headers: {}, body: ResponseBody.of(`status ${status}`), ...extra };
}

/** An inner handler that answers from a list (the last repeating) and records each request. */
export function scripted(answers: (UpstreamResponse | ((request: OutboundRequest) => Promise<UpstreamResponse>))[]): Handler & { calls: OutboundRequest[] } {
  const calls: OutboundRequest[] = [];
  const handler = (async (request: OutboundRequest) => {
    const next = answers[Math.min(calls.length, answers.length - 1)]!;
    calls.push(request);
    return typeof next === "function" ? next(request) : next;
  }) as Handler & { calls: OutboundRequest[] };
  handler.calls = calls;
  return handler;
}

/** Never answers; rejects with the signal's reason once it aborts, as the pool does. */
export const hangs = (request: OutboundRequest): Promise<UpstreamResponse> =>
  new Promise((_resolve, reject) => request.signal.addEventListener("abort", () => reject(request.signal.reason), { once: true }));

export async function readAll(body: Readable | ResponseBody | null | undefined): Promise<string> {
  if (!body) return "";
  if (body instanceof ResponseBody) return body.text();
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString();
}
