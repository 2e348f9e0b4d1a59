// The proxy's admin port: /ready, /config_dump (the version and view in force), /metrics.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ProxyMetrics } from "./metrics.ts";
import type { Router } from "./router.ts";

export interface AdminContext {
  router(): Router | undefined;
  appliedAt(): string | undefined;
  metrics: ProxyMetrics;
  controlPlaneConnected(): boolean;
  /** The workload identity's state, certificate and trust bundle, for /config_dump and /ready. */
  identity?(): { state: string; problem?: string } & Record<string, unknown>;
}

export function handleAdmin(ctx: AdminContext) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? "/", "http://admin").pathname;
    const router = ctx.router();
    if (path === "/ready") {
      const identity = ctx.identity?.();
      const waiting = identity?.state === "pending" ? "waiting for a workload certificate\n" : identity?.problem ? `${identity.problem}\n` : undefined;
      const body = !router ? "no config yet\n" : waiting ?? `ready ${router.version}\n`;
      res.writeHead(router && !waiting ? 200 : 503, { "content-type": "text/plain" }).end(body);
    } else if (path === "/config_dump") {
      const dump = router
        ? { version: router.version, bundleVersion: router.view.bundleVersion, appliedAt: ctx.appliedAt(), controlPlaneConnected: ctx.controlPlaneConnected(), identity: ctx.identity?.(), view: router.view }
        : { version: null, controlPlaneConnected: ctx.controlPlaneConnected(), identity: ctx.identity?.() };
      res.writeHead(200, { "content-type": "application/json" }).end(`${JSON.stringify(dump, null, 2)}\n`);
    } else if (path === "/metrics") {
      res.writeHead(200, { "content-type": ctx.metrics.registry.contentType }).end(await ctx.metrics.text());
    } else {
      res.writeHead(404, { "content-type": "text/plain" }).end("endpoints: /ready /config_dump /metrics\n");
    }
  };
}
