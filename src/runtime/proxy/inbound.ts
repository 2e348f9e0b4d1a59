// The inbound listener: traffic from other proxies to this workload. Forwards to the local app over a
// keep-alive pool and marks the response with the workload's version (how callers' metrics learn it).
import type { Dispatcher } from "undici";
import type { IncomingMessage, ServerResponse } from "node:http";
import { clientAbortSignal, forwardableHeaders, hasBody, writeLocal, writeResponse } from "./http-forwarding.ts";
import type { Headers } from "./layers/types.ts";
import type { ProxyMetrics } from "./metrics.ts";
import type { Router } from "./router.ts";
import type { Upstreams } from "./upstreams.ts";
import { connectionFailure } from "./layers/forward.ts";

export interface InboundContext {
  router(): Router | undefined;
  metrics: ProxyMetrics;
  self: { service: string; version: string };
  app: { host: string; port: number };
  upstreams: Upstreams;
}

export function handleInbound(ctx: InboundContext) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const started = performance.now();
    const source = String(req.headers["x-typemesh-source"] ?? "unknown");
    const labels = {
      reporter: "destination", source_workload: source, source_version: String(req.headers["x-typemesh-source-version"] ?? "unknown"),
      destination_service: ctx.router()?.view.inbound?.id ?? ctx.self.service, destination_version: ctx.self.version,
      response_code: "0", response_flags: "-", connection_security_policy: "none",
    };
    const finish = (status: number, flags = "-") => {
      labels.response_code = String(status);
      labels.response_flags = flags;
      ctx.metrics.observe(labels, performance.now() - started);
    };
    const abort = clientAbortSignal(req, res);
    const app = ctx.upstreams.get(ctx.app);
    const headers: Headers = forwardableHeaders(req.headers);
    try {
      const response = await app.pool.request({
        method: (req.method ?? "GET") as Dispatcher.HttpMethod, path: req.url ?? "/", headers,
        body: hasBody(req) ? req : null, signal: abort.signal,
      });
      await writeResponse(res, { status: response.statusCode, headers: response.headers as Headers, body: response.body }, { "x-typemesh-version": ctx.self.version });
      finish(response.statusCode);
    } catch (error) {
      if (abort.signal.aborted) return finish(499, "client-closed");
      const failure = connectionFailure(error) ?? "protocol-error";
      writeLocal(res, 503, `app-${failure}`, `the application of ${ctx.self.service} ${ctx.self.version} at ${ctx.app.host}:${ctx.app.port} failed: ${(error as Error).message}`);
      finish(503, `app-${failure}`);
    }
  };
}
