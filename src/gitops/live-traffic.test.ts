// Live figures in the blast radius: rates per caller, how much traffic a split change moves, and a
// new destination with no endpoints.
import assert from "node:assert/strict";
import { test } from "node:test";
import { mesh, route, service } from "../compiler/diff/test-mesh.ts";
import { endpointRisks, withLiveRates } from "./live-traffic.ts";

const split = (v1: number, v2: number) => [route("default", { destinations: [{ version: "v1", weight: v1 }, { version: "v2", weight: v2 }] })];
const base = mesh(service("checkout", { routes: split(95, 5) }));
const head = mesh(service("checkout", { routes: split(90, 10) }));
const live = {
  edges: [
    { source: "shop/frontend", destination: "shop/checkout", version: "v1", rps: 1140 },
    { source: "shop/frontend", destination: "shop/checkout", version: "v2", rps: 60 },
  ],
  endpoints: [{ service: "shop/checkout", version: "v1" }],
};

test("a split change says how much live traffic it moves", () => {
  const [entry] = withLiveRates([{ service: "shop/checkout", callers: ["shop/frontend"], anyCaller: false }], base, head, live);
  assert.equal(entry!.live!.totalRps, 1200);
  assert.deepEqual(entry!.live!.edges, [{ caller: "shop/frontend", rps: 1200 }]);
  assert.deepEqual(entry!.live!.shifts, ["route default shifts ~60 rps of 1,200 to v2"]);
});

test("more traffic to a version without endpoints is a risk", () => {
  const risks = endpointRisks(base, head, live);
  assert.equal(risks.length, 1);
  assert.match(risks[0]!.message, /sends 10% to v2, which has no registered endpoints/);
  assert.deepEqual(endpointRisks(base, head, { ...live, endpoints: [...live.endpoints, { service: "shop/checkout", version: "v2" }] }), []);
});

test("fetchLive reads the admin API with the token; a refused token says so", async () => {
  const { createServer } = await import("node:http");
  const server = createServer((req, res) => {
    if (req.headers.authorization !== "Bearer t0k") return void res.writeHead(401).end("{}");
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify(req.url?.startsWith("/api/traffic") ? { edges: live.edges } : { proxies: [{ service: "shop/checkout", version: "v1", id: "p1" }] }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  try {
    const { fetchLive } = await import("./live-traffic.ts");
    assert.deepEqual(await fetchLive(url, "t0k"), live);
    await assert.rejects(fetchLive(url, "wrong"), /401 \(missing or wrong admin token\)/);
  } finally {
    server.close();
  }
});
