// Starts the whole demo: the control plane compiling and watching policies/, every demo workload as a
// shop app behind its own sidecar, and the shopper's bounded traffic. One handle stops it all.
import { randomBytes } from "node:crypto";
import path from "node:path";
import { request, type Server } from "node:http";
import { ControlPlane } from "../src/runtime/control-plane/control-plane.ts";
import { policiesSource } from "../src/runtime/control-plane/sources/policies-source.ts";
import { Proxy, type ProxyPorts } from "../src/runtime/proxy/proxy.ts";
import { startShopApp } from "./shop-app.ts";
import { startTraffic, type TrafficStats } from "./traffic.ts";
import { DEMO_WORKLOADS } from "./workloads.ts";

export interface DemoOptions {
  policies: string;
  port: number;
  stateDir: string;
  ratePerSecond: number;
  durationMs: number;
  log(line: string): void;
}

export interface DemoMesh {
  controlPlane: { url: string; token: string };
  workloads: { service: string; version: string; proxyId: string; ports: ProxyPorts; appPort: number }[];
  traffic: { stats: TrafficStats; done: Promise<void> };
  /** One call the policies refuse, made at start so a newcomer sees authorization at work. */
  deniedCall: { command: string; status: number; reason: string; message: string };
  /** What the sidecars' resilience layers did so far, summed over every sidecar. */
  resilience(): Promise<Record<string, number>>;
  /** Stops the traffic, the sidecars, the apps and the control plane. */
  stop(): Promise<void>;
}

/** Traffic starts once every sidecar holds a config that knows every endpoint (or after the limit). */
async function waitForSync(cp: ControlPlane, expected: number, limitMs: number): Promise<void> {
  const deadline = Date.now() + limitMs;
  // Endpoint changes are debounced: let the last registration's push go out before checking.
  await new Promise((resolve) => setTimeout(resolve, 100));
  while (Date.now() < deadline) {
    const proxies = cp.status().proxies;
    if (proxies.length >= expected && proxies.every((p) => p.state === "SYNCED")) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** shopper → catalog POST /products: catalog lets anyone read, but only checkout write (policies/). */
function callDenied(port: number): Promise<DemoMesh["deniedCall"]> {
  const command = `curl -si -X POST -H 'Host: catalog' http://127.0.0.1:${port}/products`;
  return new Promise((resolve) => {
    const req = request({ host: "127.0.0.1", port, method: "POST", path: "/products", headers: { host: "catalog" } }, (res) => {
      let body = "";
      res.on("data", (chunk: Buffer) => { body += chunk.toString(); });
      res.on("end", () => resolve({ command, status: res.statusCode ?? 0, reason: String(res.headers["x-typemesh-reason"] ?? ""), message: body.trim() }));
    });
    req.on("error", (error) => resolve({ command, status: 0, reason: "error", message: error.message }));
    req.end();
  });
}

export async function startDemoMesh(options: DemoOptions): Promise<DemoMesh> {
  const token = process.env.TYPEMESH_ADMIN_TOKEN ?? randomBytes(12).toString("hex");
  const cp = new ControlPlane({ stateDir: path.join(options.stateDir, "control-plane"), adminToken: token, port: options.port, log: options.log });
  const { url } = await cp.listen();
  const source = policiesSource(options.policies);
  await source.start({
    bundle: (bundle, origin) => {
      const outcome = cp.apply(bundle, origin);
      if ("error" in outcome) options.log(`refused: ${outcome.problems.join("; ")}`);
    },
    problem: (_origin, text) => options.log(`policy change NOT applied (the running config stays):\n${text}`),
  });
  const proxies: Proxy[] = [];
  const apps: Server[] = [];
  const workloads: DemoMesh["workloads"] = [];
  const tokens: string[] = [];
  for (const { service, version, behaviour } of DEMO_WORKLOADS) {
    // Each sidecar joins with a token bound to its service: it can get that service's certificate and
    // view only. Later reconnects prove the certificate instead.
    const joinToken = cp.issueJoinToken(service);
    tokens.push(joinToken.id);
    // The sidecar needs the app's port and the app its sidecar's: start the app, then the sidecar,
    // then tell the app where its sidecar listens.
    const app = await startShopApp({ service, version, ...(behaviour && { behaviour }) });
    const proxy = new Proxy({
      service, version, app: { host: "127.0.0.1", port: app.port }, controlPlane: url,
      stateDir: path.join(options.stateDir, "proxies"), id: `${service}-${version}`, joinToken: joinToken.token,
      log: (line) => options.log(`[${service} ${version}] ${line}`),
    });
    const ports = await proxy.start();
    app.setSidecar({ host: "127.0.0.1", port: ports.outbound });
    proxies.push(proxy);
    apps.push(app.server);
    workloads.push({ service, version, proxyId: proxy.id, ports, appPort: app.port });
  }
  await waitForSync(cp, workloads.length, 5000);
  const shopper = workloads.find((w) => w.service === "shopper")!;
  const deniedCall = await callDenied(shopper.ports.outbound);
  const traffic = startTraffic({ sidecar: { host: "127.0.0.1", port: shopper.ports.outbound }, ratePerSecond: options.ratePerSecond, durationMs: options.durationMs });
  return {
    controlPlane: { url, token },
    workloads,
    traffic,
    deniedCall,
    async resilience() {
      const totals: Record<string, number> = {};
      for (const proxy of proxies) for (const [k, v] of Object.entries(await proxy.metrics.resilience.totals())) totals[k] = (totals[k] ?? 0) + v;
      return totals;
    },
    async stop() {
      await traffic.stop();
      await source.stop();
      await Promise.all(proxies.map((p) => p.close()));
      await Promise.all(apps.map((s) => new Promise<void>((resolve) => { s.closeAllConnections(); s.close(() => resolve()); })));
      for (const id of tokens) cp.joinTokens.revoke(id);
      await cp.close();
    },
  };
}
