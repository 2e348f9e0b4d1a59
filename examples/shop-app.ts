// The demo's applications: one small HTTP app that plays any shop service. It answers with who it is
// and, for a few pages, calls other services through its sidecar's outbound listener (HTTP_PROXY style:
// Host names the service), the way a real app in the mesh would.
import { createServer, request as httpRequest, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface ShopAppOptions {
  service: string;
  version: string;
  port?: number;
  /** The sidecar's outbound listener, for calls to other services. */
  sidecar?: { host: string; port: number };
  /** A bad build, for the rollout demo: this share of requests fail with 500, every answer this late. */
  behaviour?: { errorRate?: number; delayMs?: number };
}

/** Pages that fan out to other services, per service: the demo's call graph. */
const CALLS: Record<string, Record<string, { service: string; method: string; path: string; headers?: Record<string, string> }[]>> = {
  frontend: {
    "/": [{ service: "catalog", method: "GET", path: "/products/7" }, { service: "checkout", method: "GET", path: "/cart/items" }],
    "/buy": [{ service: "checkout", method: "POST", path: "/checkout" }],
  },
  checkout: {
    "/checkout": [
      { service: "catalog", method: "GET", path: "/search?q=shoes" },
      { service: "payments", method: "POST", path: "/charge", headers: { "idempotency-key": "4f1c2a9e-demo" } },
    ],
  },
};

function callThroughSidecar(sidecar: { host: string; port: number }, call: { service: string; method: string; path: string; headers?: Record<string, string> }): Promise<{ service: string; status: number }> {
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
    if (behaviour?.delayMs) await new Promise((resolve) => setTimeout(resolve, behaviour.delayMs));
    if (behaviour?.errorRate && Math.random() < behaviour.errorRate) {
      res.writeHead(500, { "content-type": "text/plain", "x-app-version": options.version }).end("simulated failure of a bad build\n");
      return;
    }
    const path = (req.url ?? "/").split("?")[0]!;
    const downstream = sidecar && calls[path] ? await Promise.all(calls[path]!.map((c) => callThroughSidecar(sidecar!, c))) : [];
    const failed = downstream.some((d) => d.status === 0 || d.status >= 500);
    const body = JSON.stringify({ service: options.service, version: options.version, method: req.method, path: req.url, bodyBytes, downstream });
    res.writeHead(failed ? 502 : 200, { "content-type": "application/json", "x-app-version": options.version, "x-powered-by": "shop-app" });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  return { server, port: (server.address() as AddressInfo).port, setSidecar: (s) => { sidecar = s; } };
}
