// A live zero-trust mesh for tests: the control plane with the demo policies and its CA, workloads (shop
// app + proxy) that each join with a join token bound to their service, and clients that call through
// a sidecar, or straight at an inbound port in plaintext or with a certificate from the mesh's CA.
import { mkdtempSync, rmSync } from "node:fs";
import { Agent, request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { request as httpsRequest } from "node:https";
import os from "node:os";
import path from "node:path";
import { startShopApp } from "../../../examples/shop-app.ts";
import { compilePolicies } from "../../../src/compiler/compile.ts";
import { createBundle, type Bundle } from "../../../src/compiler/emit/bundle.ts";
import { ControlPlane } from "../../../src/runtime/control-plane/control-plane.ts";
import { spiffeIdOf } from "../../../src/runtime/identity/spiffe.ts";
import { createCsr } from "../../../src/runtime/proxy/identity/csr.ts";
import { Proxy, type ProxyPorts } from "../../../src/runtime/proxy/proxy.ts";

const repo = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../../..");
let compiled: Promise<Bundle> | undefined;

/** The demo policies, compiled once per test file. */
export function demoBundle(): Promise<Bundle> {
  compiled ??= compilePolicies(path.join(repo, "policies")).then((result) => {
    if (!result.ir) throw new Error(JSON.stringify(result.diagnostics));
    return createBundle(result.ir);
  });
  return compiled;
}

export interface Workload {
  service: string;
  version: string;
  proxy: Proxy;
  ports: ProxyPorts;
  token: string;
  stop(): Promise<void>;
}

export interface Reply {
  status: number;
  reason?: string;
  body: string;
  headers: IncomingHttpHeaders;
  /** Set when the request failed below HTTP (reset, refused). */
  error?: string;
}

export interface ZeroTrustMesh {
  cp: ControlPlane;
  url: string;
  work: string;
  workloads: Map<string, Workload>;
  start(service: string, version: string, options?: { token?: string }): Promise<Workload>;
  /** A client certificate for a service, from the mesh's CA (what that service's proxy would hold). */
  certificateFor(serviceId: string): Promise<{ key: string; cert: string; ca: string[] }>;
  waitReady(count: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The demo policies without route timeouts, retries, breakers and outlier ejection: for load tests that
 * count failures caused by certificate and root rotation, not a loaded machine's slowness against the
 * demo's sub-second timeouts.
 */
export async function untimedBundle(): Promise<Bundle> {
  const ir = structuredClone((await demoBundle()).ir);
  for (const service of ir.services) {
    delete service.connectionLimits;
    delete service.outlierDetection;
    for (const route of service.routes) {
      delete route.timeoutMs;
      delete route.retries;
      delete route.mirror;
    }
  }
  return createBundle(ir);
}

export async function startZeroTrustMesh(options: { lifetimeMs?: number; workloads?: [string, string][]; untimed?: boolean } = {}): Promise<ZeroTrustMesh> {
  const work = mkdtempSync(path.join(os.tmpdir(), "typemesh-zt-"));
  const cp = new ControlPlane({
    stateDir: path.join(work, "cp"), adminToken: "zt-admin", port: 0, endpointDebounceMs: 10,
    ...(options.lifetimeMs !== undefined && { ca: { lifetimeMs: options.lifetimeMs } }),
  });
  const { url } = await cp.listen();
  cp.apply(options.untimed ? await untimedBundle() : await demoBundle(), "test");
  const workloads = new Map<string, Workload>();

  async function start(service: string, version: string, opts: { token?: string } = {}): Promise<Workload> {
    const app = await startShopApp({ service, version });
    const token = opts.token ?? cp.issueJoinToken(service).token;
    const proxy = new Proxy({
      service, version, app: { host: "127.0.0.1", port: app.port }, controlPlane: url, stateDir: path.join(work, "px"),
      id: `${service}-${version}`, joinToken: token, statsIntervalMs: 60_000,
      ...(process.env.TYPEMESH_TEST_LOG && { log: (line: string) => console.log(`[${service} ${version}] ${line}`) }),
    });
    const ports = await proxy.start();
    app.setSidecar({ host: "127.0.0.1", port: ports.outbound });
    const workload: Workload = {
      service, version, proxy, ports, token,
      async stop() {
        await proxy.close();
        await new Promise<void>((resolve) => { app.server.closeAllConnections(); app.server.close(() => resolve()); });
      },
    };
    workloads.set(`${service}-${version}`, workload);
    return workload;
  }

  async function waitReady(count: number): Promise<void> {
    const deadline = Date.now() + 15_000;
    await new Promise((r) => setTimeout(r, 50));
    while (Date.now() < deadline) {
      const proxies = cp.status().proxies;
      const certified = cp.identity.status().proxies.filter((p) => p.certificate).length;
      if (proxies.length >= count && proxies.every((p) => p.state === "SYNCED") && certified >= count) return;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`mesh not ready: ${JSON.stringify(cp.status().proxies.map((p) => [p.id, p.state]))}`);
  }

  for (const [service, version] of options.workloads ?? []) await start(service, version);
  if (options.workloads?.length) await waitReady(options.workloads.length);

  return {
    cp, url, work, workloads, start, waitReady,
    async certificateFor(serviceId) {
      const spiffeId = spiffeIdOf(cp.identity.trustDomain(), serviceId)!;
      const pending = await createCsr(spiffeId);
      const issued = await cp.identity.ca.issue(pending.csrPem, spiffeId);
      return { key: pending.keyPem, cert: issued.certificatePem, ca: cp.identity.ca.trustBundle().roots };
    },
    async stop() {
      for (const w of workloads.values()) await w.stop();
      await cp.close();
      rmSync(work, { recursive: true, force: true });
    },
  };
}

function collect(resolve: (reply: Reply) => void) {
  return (res: import("node:http").IncomingMessage) => {
    let body = "";
    res.setEncoding("utf8");
    res.on("data", (chunk: string) => { body += chunk; });
    res.on("end", () => resolve({
      status: res.statusCode ?? 0, body, headers: res.headers,
      ...(res.headers["x-typemesh-reason"] && { reason: String(res.headers["x-typemesh-reason"]) }),
    }));
    res.on("error", (error) => resolve({ status: 0, body, headers: res.headers, error: error.message }));
  };
}

/** A request through a sidecar's outbound listener, Host naming the service. */
export function viaSidecar(port: number, host: string, method: string, target: string, headers: Record<string, string> = {}, agent?: Agent): Promise<Reply> {
  return new Promise((resolve) => {
    const req = httpRequest({ host: "127.0.0.1", port, method, path: target, headers: { host, ...headers }, ...(agent && { agent }) }, collect(resolve));
    req.on("error", (error) => resolve({ status: 0, body: "", headers: {}, error: error.message }));
    req.setTimeout(10_000, () => req.destroy(new Error("timeout")));
    req.end();
  });
}

/** A request straight at an inbound port: plaintext, or mTLS with the given certificate. */
export function direct(port: number, method: string, target: string, tls?: { key: string; cert: string; ca: string[] }, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve) => {
    const common = { host: "127.0.0.1", port, method, path: target, headers, agent: false as const };
    const req = tls
      ? httpsRequest({ ...common, ...tls, minVersion: "TLSv1.3", checkServerIdentity: () => undefined }, collect(resolve))
      : httpRequest(common, collect(resolve));
    req.on("error", (error) => resolve({ status: 0, body: "", headers: {}, error: error.message }));
    req.setTimeout(10_000, () => req.destroy(new Error("timeout")));
    req.end();
  });
}

export interface Load {
  replies: Reply[];
  stop(): Promise<Reply[]>;
}

/** Continuous bounded load: `concurrency` loops of sequential requests until stopped or `maxMs`. */
export function startLoad(targets: { port: number; host: string; method: string; path: string; headers?: Record<string, string> }[], concurrency: number, maxMs: number): Load {
  const replies: Reply[] = [];
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  let running = true;
  const until = Date.now() + maxMs;
  const loops = Array.from({ length: concurrency }, async (_, i) => {
    let n = i;
    while (running && Date.now() < until) {
      const t = targets[n++ % targets.length]!;
      replies.push(await viaSidecar(t.port, t.host, t.method, t.path, t.headers, agent));
    }
  });
  return {
    replies,
    async stop() {
      running = false;
      await Promise.all(loops);
      agent.destroy();
      return replies;
    },
  };
}

export function failures(replies: Reply[]): string[] {
  return replies.filter((r) => r.status !== 200).map((r) => `${r.status} ${r.reason ?? r.error ?? ""} ${r.body.slice(0, 160)}`);
}
