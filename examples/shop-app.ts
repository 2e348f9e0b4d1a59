// The demo's applications: one small HTTP app that plays any shop service. It answers with who it is
// and, for a few pages, calls other services through its sidecar's outbound listener (HTTP_PROXY style:
// Host names the service), the way a real app in the mesh would. Two request headers make any app
// misbehave on demand, to show the mesh's resilience: `x-demo-delay: <ms>` answers that late, and
// `x-demo-fail: <percent>` fails that share of requests with 503.
import { createServer, request as httpRequest, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface ShopAppOptions {
  service: string;
  version: string;
  port?: number;
  /** The sidecar's outbound listener, for calls to other services. */
  sidecar?: { host: string; port: number };
  /** A bad build: this share of requests fail (with errorStatus, default 500), every answer this late. */
  behaviour?: ShopAppBehaviour;
}

export interface ShopAppBehaviour {
  errorRate?: number;
  errorStatus?: number;
  /** Fail only requests whose path starts with one of these (all requests when absent). */
  failPaths?: string[];
  delayMs?: number;
}

interface Call { service: string; method: string; path: string; headers?: Record<string, string>; optional?: boolean }

/** Pages that fan out to other services, per service: the demo's call graph. */
const CALLS: Record<string, Record<string, Call[]>> = {
  frontend: {
    "/": [{ service: "catalog", method: "GET", path: "/products/7" }, { service: "checkout", method: "GET", path: "/cart/items" }],
    // Today's deals come from catalog through its chaos route (policies/catalog.policy.ts: injected
    // delays and aborts); the page shows without them when they fail.
    "/deals": [{ service: "catalog", method: "GET", path: "/products/7", headers: { "x-chaos": "on" }, optional: true }],
    "/buy": [{ service: "checkout", method: "POST", path: "/checkout" }],
  },
  checkout: {
    "/checkout": [
      { service: "catalog", method: "GET", path: "/search?q=shoes" },
      { service: "payments", method: "POST", path: "/charge", headers: { "idempotency-key": "4f1c2a9e-demo" } },
    ],
  },
};

function callThroughSidecar(sidecar: { host: string; port: number }, call: Call): Promise<{ service: string; status: number }> {
  return new Promise((resolve) => {
    const req = httpRequest({ host: sidecar.host, port: sidecar.port, method: call.method, path: call.path, headers: { host: call.service, ...call.headers }, timeout: 5000 }, (res) => {
      res.resume();
      res.on("end", () => resolve({ service: call.service, status: res.statusCode ?? 0 }));
    });
    req.on("error", () => resolve({ service: call.service, status: 0 }));
    req.end();
  });
}

function readAll(req: IncomingMessage): Promise<number> {
  return new Promise((resolve) => {
    let size = 0;
    req.on("data", (chunk: Buffer) => { size += chunk.length; });
    req.on("end", () => resolve(size));
  });
}

export interface ShopApp {
  server: Server;
  port: number;
  /** Sets where calls to other services go (known only once the sidecar listens). */
  setSidecar(sidecar: { host: string; port: number }): void;
}

export async function startShopApp(options: ShopAppOptions): Promise<ShopApp> {
  const calls = CALLS[options.service] ?? {};
  let sidecar = options.sidecar;
  const server = createServer(async (req, res) => {
    const bodyBytes = await readAll(req);
    const behaviour = options.behaviour;
    const path = (req.url ?? "/").split("?")[0]!;
    const delayMs = Number(req.headers["x-demo-delay"] ?? 0) || behaviour?.delayMs;
    if (delayMs) await new Promise((resolve) => setTimeout(resolve, Math.min(delayMs, 60_000)));
    const failing = behaviour?.errorRate && (!behaviour.failPaths || behaviour.failPaths.some((p) => path.startsWith(p)));
    if (failing && Math.random() < behaviour.errorRate!) {
      res.writeHead(behaviour.errorStatus ?? 500, { "content-type": "text/plain", "x-app-version": options.version }).end("simulated failure of a bad build\n");
      return;
    }
    if (Math.random() * 100 < Number(req.headers["x-demo-fail"] ?? 0)) {
      res.writeHead(503, { "content-type": "text/plain", "x-app-version": options.version }).end("failed on request (x-demo-fail)\n");
      return;
    }
    const pageCalls = calls[path] ?? [];
    const downstream = sidecar ? await Promise.all(pageCalls.map((c) => callThroughSidecar(sidecar!, c))) : [];
    const failed = downstream.some((d, i) => !pageCalls[i]!.optional && (d.status === 0 || d.status >= 500));
    const body = JSON.stringify({ service: options.service, version: options.version, method: req.method, path: req.url, bodyBytes, downstream });
    res.writeHead(failed ? 502 : 200, { "content-type": "application/json", "x-app-version": options.version, "x-powered-by": "shop-app" });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  return { server, port: (server.address() as AddressInfo).port, setSidecar: (s) => { sidecar = s; } };
}
