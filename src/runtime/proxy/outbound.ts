// The outbound listener: the app sends plain HTTP here, naming the destination by Host header or as an
// HTTP proxy (absolute-form request target). Resolves the service, matches a route, and runs that
// route's stack on the router the request started with.
import type { IncomingMessage, ServerResponse } from "node:http";
import { splitTarget } from "../../compiler/simulate/match-request.ts";
import { clientAbortSignal, forwardableHeaders, requestBody, whenAnswered, writeLocal, writeResponse } from "./http-forwarding.ts";
import { answerOf, type Headers, type OutboundRequest } from "./layers/types.ts";
import type { ProxyMetrics } from "./metrics.ts";
import type { Router } from "./router.ts";

export interface OutboundContext {
  router(): Router | undefined;
  metrics: ProxyMetrics;
  self: { service: string; version: string };
  /** Why this proxy cannot make mTLS calls now (its certificate expired), answered as a 503. */
  identityProblem?(): string | undefined;
}

function destinationOf(req: IncomingMessage): { host: string; target: string } {
  const url = req.url ?? "/";
  // Origin-form ("/path") unless the app uses this listener as its HTTP proxy (absolute-form).
  if (url.charCodeAt(0) !== 47 && /^https?:\/\//i.test(url)) {
    const parsed = new URL(url);
    return { host: parsed.host, target: `${parsed.pathname}${parsed.search}` };
  }
  return { host: req.headers.host ?? "", target: url };
}

export function handleOutbound(ctx: OutboundContext) {
  // Not an async function: a request's one wait is for its stack's answer (a `then`), and the body's end
  // is a callback (writeResponse), so a request costs no promises of the listener's own.
  return (req: IncomingMessage, res: ServerResponse): void => {
    const started = performance.now();
    const router = ctx.router();
    const { host, target } = destinationOf(req);
    // The service id ("shop/checkout") once a config names it; the --service value until then.
    const selfId = router?.view.self.service ?? ctx.self.service;
    // The destination stays "unknown" until the Host names a service of the mesh: a label taken from the
    // Host header would let an app make one series per request (each kept for the process's life).
    const labels = {
      reporter: "source", source_workload: selfId, source_version: ctx.self.version,
      destination_service: "unknown", destination_version: "unknown", response_code: "0", response_flags: "-",
      connection_security_policy: "none",
    };
    const finish = (status: number, flags = "-") => {
      labels.response_code = String(status);
      labels.response_flags = flags;
      ctx.metrics.observe(labels, performance.now() - started);
    };
    if (!router) {
      writeLocal(res, 503, "no-config", "this proxy has no config yet: is the control plane reachable?");
      return finish(503, "no-config");
    }
    const identityProblem = ctx.identityProblem?.();
    if (identityProblem) {
      writeLocal(res, 503, "identity-expired", identityProblem);
      return finish(503, "identity-expired");
    }
    const resolution = router.resolve(host);
    if (resolution.kind === "unknown") {
      writeLocal(res, 404, "unknown-service", `no service ${JSON.stringify(host)} in the mesh`);
      return finish(404, "unknown-service");
    }
    if (resolution.kind === "denied") {
      labels.destination_service = resolution.id;
      writeLocal(res, 403, "denied-by-policy", `${ctx.self.service} may not call ${resolution.id}`);
      return finish(403, "denied-by-policy");
    }
    const { entry } = resolution;
    labels.destination_service = entry.service.id;
    const { path, query } = splitTarget(target);
    const headers = forwardableHeaders(req.headers);
    const selected = router.select(entry, { method: req.method ?? "GET", path, query, headers: headers as Record<string, string> });
    if (!selected) {
      writeLocal(res, 404, "no-route", `no route of ${entry.service.id} matches ${req.method} ${path}`);
      return finish(404, "no-route");
    }
    // Who is calling travels in the mTLS certificate, never in a header; the version is telemetry only.
    const outgoing: Headers = headers; // forwardableHeaders made it: this request's own copy
    outgoing["x-typemesh-source-version"] = ctx.self.version;
    const body = requestBody(req);
    const abort = clientAbortSignal(res, body);
    const request: OutboundRequest = {
      method: req.method ?? "GET", target, headers: outgoing, body,
      service: entry.service, route: selected.route, version: undefined, endpoint: undefined, signal: abort.signal, source: ctx.self,
    };
    whenAnswered(res, answerOf(selected.stack, request), (response) => {
      // The split layer wrote the version it chose on the request (split.ts). A reply this proxy made
      // itself (a timeout, an ejected or unreachable endpoint) carries no x-typemesh-version from the
      // destination, yet it is that version's failure: metrics and rollout gates count it there.
      labels.destination_version = String(response.headers["x-typemesh-version"] ?? request.version ?? "unknown");
      labels.connection_security_policy = response.security ?? "none";
      writeResponse(res, response, () => finish(response.status, response.reason ?? "-"));
    }, (error) => {
      if (abort.signal.aborted) return finish(499, "client-closed");
      writeLocal(res, 500, "proxy-error", `proxy error: ${(error as Error).message}`);
      finish(500, "proxy-error");
    });
  };
}
