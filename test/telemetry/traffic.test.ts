// Live traffic reaches the control plane: proxies report their counters over the config stream and
// GET /api/traffic shows rate, success and latency per edge and version.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { request } from "node:http";
import os from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { startShopApp } from "../../examples/shop-app.ts";
import { compilePolicies } from "../../src/compiler/compile.ts";
import { createBundle } from "../../src/compiler/emit/bundle.ts";
import { ControlPlane } from "../../src/runtime/control-plane/control-plane.ts";
import type { EdgeTraffic } from "../../src/runtime/control-plane/traffic-store.ts";
import { Proxy } from "../../src/runtime/proxy/proxy.ts";

const repo = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");
const work = mkdtempSync(path.join(os.tmpdir(), "typemesh-traffic-"));
const closers: (() => Promise<unknown>)[] = [];
after(async () => {
  for (const close of closers.reverse()) await close();
  rmSync(work, { recursive: true, force: true });
});

function get(port: number, host: string, pathname: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path: pathname, headers: { host } }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
    req.end();
  });
}

test("proxies report live traffic per edge and version to the control plane", { timeout: 30_000 }, async () => {
  const cp = new ControlPlane({ stateDir: path.join(work, "cp"), adminToken: "secret", port: 0 });
  const { url } = await cp.listen();
  closers.push(() => cp.close());
  const compiled = await compilePolicies(path.join(repo, "policies"));
  cp.apply(createBundle(compiled.ir!), "test");
  const ports: Record<string, number> = {};
  for (const [service, version] of [["frontend", "v1"], ["checkout", "v1"], ["checkout", "v2"]] as const) {
    const app = await startShopApp({ service, version });
    closers.push(() => new Promise((resolve) => app.server.close(resolve)));
    const proxy = new Proxy({ service, version, app: { host: "127.0.0.1", port: app.port }, controlPlane: url, stateDir: path.join(work, "px"), statsIntervalMs: 100 });
    ports[`${service}-${version}`] = (await proxy.start()).outbound;
    closers.push(() => proxy.close());
  }
  while (cp.status().proxies.filter((p) => p.state === "SYNCED").length < 3) await new Promise((r) => setTimeout(r, 50));
  await new Promise((r) => setTimeout(r, 200));

  for (let i = 0; i < 300; i++) assert.equal(await get(ports["frontend-v1"]!, "checkout", "/cart/items"), 200);
  await new Promise((r) => setTimeout(r, 400));

  const response = await fetch(`${url}/api/traffic?window=60`, { headers: { authorization: "Bearer secret" } });
  assert.equal(response.status, 200);
  const { edges } = await response.json() as { edges: EdgeTraffic[] };
  const toCheckout = edges.filter((e) => e.source === "shop/frontend" && e.destination === "shop/checkout");
  const total = toCheckout.reduce((n, e) => n + e.requests, 0);
  assert.equal(total, 300);
  const v2 = toCheckout.find((e) => e.version === "v2")?.requests ?? 0;
  assert.ok(v2 > 5 && v2 < 60, `v2 got ${v2} of 300 on a 90/10 split`);
  for (const edge of toCheckout) {
    assert.equal(edge.successRate, 1);
    assert.ok(edge.p99Ms !== undefined && edge.p99Ms > 0);
  }
  assert.equal((await fetch(`${url}/api/traffic`, { headers: { authorization: "Bearer wrong" } })).status, 401);
});
