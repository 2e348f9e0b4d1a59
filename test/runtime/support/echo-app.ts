// The app behind each proxy in the runtime tests: it answers every request with who it is (service,
// version) and what it received (method, path, headers), so a test can see which version served a
// request and what the route changed on the way. Like the demo's shop app, it sends x-app-version and
// x-powered-by (a header the demo's policies remove). The answer is in the body and, for HEAD requests
// that have no body, in an x-echo header (base64url JSON). 127.0.0.1 only.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** The JSON body of every answer. */
export interface Echo {
  service: string;
  version: string;
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  bodyBytes: number;
}

export interface EchoApp {
  port: number;
  /** Requests answered so far. */
  count(): number;
  close(): Promise<void>;
}

export async function startEchoApp(service: string, version: string): Promise<EchoApp> {
  let count = 0;
  const server: Server = createServer((req, res) => {
    let bodyBytes = 0;
    req.on("data", (chunk: Buffer) => { bodyBytes += chunk.length; });
    req.on("end", () => {
      count++;
      const echo: Echo = { service, version, method: req.method ?? "GET", path: req.url ?? "/", headers: req.headers, bodyBytes };
      const body = JSON.stringify(echo);
      res.writeHead(200, {
        "content-type": "application/json", "content-length": Buffer.byteLength(body),
        "x-app-version": version, "x-powered-by": "echo-app", "x-echo": Buffer.from(body).toString("base64url"),
      });
      res.end(req.method === "HEAD" ? undefined : body);
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    count: () => count,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
