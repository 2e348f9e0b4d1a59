// A small live mesh for rollout tests: the control plane with the demo policies, catalog v1 and v2
// (v2 behaving as the test says) behind proxies, a frontend proxy as the caller, and bounded load from
// it. Proxies report traffic every 200 ms so short steps have figures.
import { mkdtempSync, rmSync } from "node:fs";
import { request } from "node:http";
import os from "node:os";
import path from "node:path";
import { startShopApp } from "../../examples/shop-app.ts";
import { compilePolicies } from "../../src/compiler/compile.ts";
import { createBundle, type Bundle } from "../../src/compiler/emit/bundle.ts";
import { ControlPlane } from "../../src/runtime/control-plane/control-plane.ts";
import { Proxy } from "../../src/runtime/proxy/proxy.ts";
import { withRelaxedTimeouts } from "../runtime/support/mesh.ts";

const repo = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");

export interface Reply {
  status: number;
  version: string;
  reason?: string;
  /** When the request was sent (Date.now()): what was in flight across a change can be told apart. */
  sentAt: number;
}

export function get(port: number, host: string, pathname: string): Promise<Reply> {
  const sentAt = Date.now();
  return new Promise((resolve) => {
    const req = request({ host: "127.0.0.1", port, path: pathname, headers: { host } }, (res) => {
      res.resume();
      res.on("end", () => resolve({ status: res.statusCode ?? 0, version: String(res.headers["x-app-version"] ?? ""), sentAt, ...(res.headers["x-typemesh-reason"] && { reason: String(res.headers["x-typemesh-reason"]) }) }));
    });
    req.on("error", () => resolve({ status: 0, version: "", reason: "client-error", sentAt }));
    req.end();
  });
}

export interface LiveMesh {
  cp: ControlPlane;
  url: string;
  token: string;
  stateDir: string;
  bundle: Bundle;
  caller: number;
  /** Every reply of the background load since start. */
  replies: Reply[];
  restartControlPlane(): Promise<void>;
  stop(): Promise<void>;
}

/** `relaxedTimeouts`: the policies' timeouts lifted (withRelaxedTimeouts), so that no request can time out. */
export async function startLiveMesh(v2: { errorRate?: number; delayMs?: number } = {}, load = { concurrency: 4, maxSeconds: 60 }, options: { relaxedTimeouts?: boolean } = {}): Promise<LiveMesh> {
  const work = mkdtempSync(path.join(os.tmpdir(), "typemesh-rollout-"));
  const token = "rollout-token";
  const stateDir = path.join(work, "cp");
  let cp = new ControlPlane({ stateDir, adminToken: token, port: 0, endpointDebounceMs: 10 });
  const { url, port } = await cp.listen();
  const compiled = await compilePolicies(path.join(repo, "policies"));
  const compiledBundle = createBundle(compiled.ir!);
  const bundle = options.relaxedTimeouts ? withRelaxedTimeouts(compiledBundle) : compiledBundle;
  cp.apply(bundle, "test");
  const closers: (() => Promise<unknown>)[] = [];
  const ports: Record<string, number> = {};
  for (const [service, version, behaviour] of [["catalog", "v1", {}], ["catalog", "v2", v2], ["frontend", "v1", {}]] as const) {
    const app = await startShopApp({ service, version, behaviour });
    closers.push(() => new Promise((resolve) => { app.server.closeAllConnections(); app.server.close(resolve); }));
    const proxy = new Proxy({ service, version, app: { host: "127.0.0.1", port: app.port }, controlPlane: url, stateDir: path.join(work, "px"), statsIntervalMs: 200 });
    ports[`${service}-${version}`] = (await proxy.start()).outbound;
    closers.push(() => proxy.close());
  }
  const deadline = Date.now() + 10_000;
  while (cp.status().proxies.filter((p) => p.state === "SYNCED").length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
  await new Promise((r) => setTimeout(r, 100));

  const replies: Reply[] = [];
  let running = true;
  const stopAt = Date.now() + load.maxSeconds * 1000;
  const loops = Array.from({ length: load.concurrency }, async () => {
    while (running && Date.now() < stopAt) replies.push(await get(ports["frontend-v1"]!, "catalog", "/products/7"));
  });
  return {
    get cp() { return cp; }, url, token, stateDir, bundle, caller: ports["frontend-v1"]!, replies,
    async restartControlPlane() {
      await cp.close();
      await new Promise((r) => setTimeout(r, 300));
      cp = new ControlPlane({ stateDir, adminToken: token, port, endpointDebounceMs: 10 });
      await cp.listen();
    },
    async stop() {
      running = false;
      await Promise.all(loops);
      await cp.close();
      for (const close of closers.reverse()) await close();
      rmSync(work, { recursive: true, force: true });
    },
  } as LiveMesh;
}

/** Polls `probe` until it returns something; on time-out the error shows `state()` (what was seen). */
export async function until<T>(what: string, probe: () => T | undefined | false, timeoutMs = 20_000, state?: () => unknown): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${state ? `: ${JSON.stringify(state())}` : ""}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
