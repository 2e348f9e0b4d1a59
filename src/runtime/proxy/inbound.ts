// The inbound listener: traffic from other proxies to this workload. Forwards to the local app over a
// keep-alive pool and marks the response with the workload's version (how callers' metrics learn it).
import type { IncomingMessage, ServerResponse } from "node:http";
import { clientAbortSignal, forwardableHeaders, requestBody, whenAnswered, writeLocal, writeResponse } from "./http-forwarding.ts";
import type { Headers } from "./layers/types.ts";
import type { ProxyMetrics } from "./metrics.ts";
import type { Router } from "./router.ts";
import type { Upstreams } from "./upstreams.ts";
import { connectionFailure } from "./layers/forward.ts";
import { headersForApp } from "./layers/authorize.ts";
import { inboundGate, type InboundIdentity } from "./identity/inbound-gate.ts";
import { injectFault } from "./layers/fault.ts";
import { requestUpstream } from "./upstream-request.ts";

export interface InboundContext {
  router(): Router | undefined;
  metrics: ProxyMetrics;
  self: { service: string; version: string };
  app: { host: string; port: number };
  upstreams: Upstreams;
  /** mTLS material and identity metrics; absent, the proxy serves plaintext only (docs/security.md). */
  identity?: InboundIdentity;
}

export function handleInbound(ctx: InboundContext) {
  // Not an async function, as the outbound listener's is not (outbound.ts): no promises of its own.
  return (req: IncomingMessage, res: ServerResponse): void => {
    const started = performance.now();
    const router = ctx.router();
    const labels = {
      reporter: "destination", source_workload: "unknown", source_version: "unknown",
      destination_service: router?.view.inbound?.id ?? ctx.self.service, destination_version: ctx.self.version,
      response_code: "0", response_flags: "-", connection_security_policy: "none",
    };
    const finish = (status: number, flags = "-") => {
      labels.response_code = String(status);
      labels.response_flags = flags;
      ctx.metrics.observe(labels, performance.now() - started);
    };
    // mTLS identity → authorization (identity/inbound-gate.ts): the app's headers need its Authorized.
    const gate = inboundGate(req, res, router, ctx.identity, ctx.self);
    labels.connection_security_policy = gate.peer.security;
    if (!gate.pass) {
      labels.source_workload = gate.caller ?? "unknown";
      return gate.status === 0 ? undefined : finish(gate.status, gate.flags);
    }
    labels.source_workload = gate.authorized.caller ?? "unknown";
    if (gate.authorized.caller) labels.source_version = String(req.headers["x-typemesh-source-version"] ?? "unknown");
    const body = requestBody(req);
    const abort = clientAbortSignal(res, body);
    const app = ctx.upstreams.get(ctx.app);
    const headers: Headers = headersForApp(forwardableHeaders(req.headers), gate.authorized, gate.peer, ctx.identity?.spiffeId());
    const forward = () => whenAnswered(res,
      requestUpstream(app.pool, { method: req.method ?? "GET", path: req.url ?? "/", headers, body: body ?? null }, abort.signal),
      (response) => writeResponse(res, response, () => finish(response.status), { "x-typemesh-version": ctx.self.version }),
      (error) => {
        if (abort.signal.aborted) return finish(499, "client-closed");
        const failure = connectionFailure(error) ?? "protocol-error";
        writeLocal(res, 503, `app-${failure}`, `the application of ${ctx.self.service} ${ctx.self.version} at ${ctx.app.host}:${ctx.app.port} failed: ${(error as Error).message}`);
        finish(503, `app-${failure}`);
      });
    // DESIGN's inbound order: mTLS identity → authz → fault → app. The fault is the route's (fault.ts).
    const fault = injectFault(router?.view.inbound, req, abort.signal, ctx.metrics.resilience);
    if (!fault) return forward();
    whenAnswered(res, fault, (verdict) => {
      if (verdict.kind === "cancelled") return finish(499, "client-closed");
      if (verdict.kind === "abort") {
        res.setHeader("x-typemesh-version", ctx.self.version);
        writeLocal(res, verdict.status, "fault-abort", `fault injected by route ${verdict.route} of ${ctx.self.service}: abort with ${verdict.status}`);
        return finish(verdict.status, "fault-abort");
      }
      forward();
    }, () => res.destroy());
  };
}
