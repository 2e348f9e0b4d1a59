// The outbound listener over a real socket, with a router whose route stack misbehaves: whatever the
// stack does (rejects, throws, answers something that is not a response), the client gets an answer or
// a closed connection, the failure is counted, and the listener serves the next request.
import assert from "node:assert/strict";
import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, test } from "node:test";
import { ResponseBody } from "./response-body.ts";
import { guarded } from "./http-forwarding.ts";
import type { Handler, UpstreamResponse } from "./layers/types.ts";
import { split } from "./layers/split.ts";
import { testRoute, testService } from "./layers/test-requests.ts";
import { ProxyMetrics } from "./metrics.ts";
import { handleOutbound } from "./outbound.ts";
import type { Router, ServiceEntry } from "./router.ts";

// One route per behaviour, chosen by path prefix.
const behaviours: Record<string, Handler> = {
  // An answer without x-typemesh-version (as the proxy's own replies are), behind the split layer.
  "/ok": split(() => 0)(async () => ({ status: 200, headers: {}, body: ResponseBody.of("fine") })),
  "/rejects": () => Promise.reject(new Error("the stack failed")),
  "/throws": () => { throw new Error("the stack threw"); },
  "/malformed": () => Promise.resolve(undefined as unknown as UpstreamResponse),
};
const service = testService({ id: "test/svc" });
const entry: ServiceEntry = {
  service,
  routes: [],
  selections: Object.entries(behaviours).map(([prefix, stack]) => ({ route: testRoute({ name: prefix.slice(1) }), stack })),
};
const router = {
  version: "v", view: { self: { service: "test/caller" } },
  resolve: (host: string) => (host === "svc.test" ? { kind: "service", entry } : { kind: "unknown" }),
  select: (_entry: ServiceEntry, facts: { path: string }) => entry.selections.find((s) => facts.path.startsWith(`/${s.route.name}`)),
  endpoints: () => [],
} as unknown as Router;

const metrics = new ProxyMetrics({ service: "test/caller", version: "v1" });
let server: Server;
let port: number;

before(async () => {
  server = createServer(guarded(handleOutbound({ router: () => router, metrics, self: { service: "test/caller", version: "v1" } })));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

function get(path: string): Promise<{ status: number; reason: string | undefined; body: string } | { closed: true }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port, path, headers: { host: "svc.test" }, agent: false }, (res) => {
      let body = "";
      res.on("data", (chunk: Buffer) => { body += chunk.toString(); });
      res.on("end", () => resolve({ status: res.statusCode!, reason: res.headers["x-typemesh-reason"] as string | undefined, body }));
    });
    req.on("error", (error: NodeJS.ErrnoException) => (error.code === "ECONNRESET" ? resolve({ closed: true }) : reject(error)));
    req.end();
  });
}

test("a stack that rejects, throws or answers no response gets a 500 with the reason, and the listener serves on", async () => {
  for (const path of ["/rejects", "/throws", "/malformed"]) {
    const reply = await get(path);
    assert.ok(!("closed" in reply), `${path}: the connection was closed instead of answered`);
    assert.equal(reply.status, 500, path);
    assert.equal(reply.reason, "proxy-error", path);
    assert.match(reply.body, /^proxy error: /, path);
    const ok = await get("/ok");
    assert.ok(!("closed" in ok) && ok.status === 200 && ok.body === "fine", `after ${path} the next request is served`);
  }
  const text = await metrics.text();
  assert.match(text, /typemesh_requests_total\{[^}]*destination_service="test\/svc"[^}]*response_code="500",response_flags="proxy-error"[^}]*\} 3/);
  assert.match(text, /typemesh_requests_total\{[^}]*destination_version="v1"[^}]*response_code="200"[^}]*\} 3/, "the version the split chose is counted for an answer that names none");
});
