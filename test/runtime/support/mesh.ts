// A live demo mesh for the runtime tests: a real control plane (in process, on 127.0.0.1) serving the
// compiled demo policies, and each workload as an echo app behind a real sidecar proxy. Requests enter
// a caller's outbound listener and cross caller proxy → destination proxy → app over real sockets, as
// in production. The control plane and single proxies can be stopped and restarted on the same ports
// and state, for the outage tests. stop() closes everything.
import { mkdtempSync, rmSync } from "node:fs";
import { Agent, request } from "node:http";
import os from "node:os";
import path from "node:path";
import { compilePolicies } from "../../../src/compiler/compile.ts";
import { createBundle, type Bundle } from "../../../src/compiler/emit/bundle.ts";
import { ControlPlane } from "../../../src/runtime/control-plane/control-plane.ts";
import type { ProxyStatus } from "../../../src/runtime/control-plane/proxy-sessions.ts";
import { Proxy, type ProxyOptions, type ProxyPorts } from "../../../src/runtime/proxy/proxy.ts";
import { startEchoApp, type Echo, type EchoApp } from "./echo-app.ts";

export const repo = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../../..");
export const ADMIN_TOKEN = "runtime-test-admin-token";

let compiled: Promise<Bundle> | undefined;

/** The demo policies (policies/), compiled and bundled once per test process. */
export function demoBundle(): Promise<Bundle> {
  compiled ??= compilePolicies(path.join(repo, "policies")).then((result) => {
    if (!result.ir) throw new Error(`the demo policies do not compile: ${JSON.stringify(result.diagnostics).slice(0, 2000)}`);
    return createBundle(result.ir);
  });
  return compiled;
}

/**
 * The bundle with every route timeout raised to 30 s and per-try timeouts dropped. Routes, splits,
 * header changes and everything else stay as declared. The test machine is shared (two cores, often
 * far more runnable processes than that), and a request that waits its turn for a CPU must not fail
 * by the clock in a test of routing or config delivery; timeouts have their own tests (issue 4).
 */
export function withRelaxedTimeouts(bundle: Bundle): Bundle {
  const ir = structuredClone(bundle.ir);
  for (const service of ir.services) {
    for (const route of service.routes) {
      if (route.timeoutMs !== undefined) route.timeoutMs = 30_000;
      if (route.retries) delete route.retries.perTryTimeoutMs;
    }
  }
  return createBundle(ir);
}

export interface Workload {
  service: string;
  version: string;
}

/** The demo's workloads that serve traffic (examples/workloads.ts minus the rollout-only builds). */
export const DEMO_WORKLOADS: readonly Workload[] = [
  { service: "frontend", version: "v1" },
  { service: "checkout", version: "v1" },
  { service: "checkout", version: "v2" },
  { service: "catalog", version: "v1" },
  { service: "payments", version: "v1" },
  { service: "payments", version: "v2" },
];

export interface RunningWorkload extends Workload {
  id: string;
  proxy: Proxy;
  ports: ProxyPorts;
  app: EchoApp;
  /** What the proxy was started with, so a restart can reuse its id, ports and state. */
  options: ProxyOptions;
}

export interface Reply {
  status: number;
  /** x-typemesh-reason, on the proxy's own answers. */
  reason?: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** The app's answer, when an echo app answered. */
  echo?: Echo;
}

export interface SendOptions {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Keep-alive connections to reuse; without one, every request opens its own. */
  agent?: Agent;
  /** Give up (status 0, reason "client-error") after this long. */
  limitMs?: number;
}

/** One request to a proxy's outbound listener, naming the destination service by Host. */
export function send(port: number, host: string, options: SendOptions = {}): Promise<Reply> {
  return new Promise((resolve) => {
    const body = options.body === undefined ? undefined : Buffer.from(options.body);
    const req = request({
      // Without an agent, a connection of its own: a pooled one may belong to a proxy restarted since.
      host: "127.0.0.1", port, method: options.method ?? "GET", path: options.path ?? "/", agent: options.agent ?? false,
      headers: { host, ...options.headers, ...(body && { "content-length": body.length }) },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("error", () => {});
      res.on("close", () => {
        const text = Buffer.concat(chunks).toString();
        const reason = res.headers["x-typemesh-reason"];
        const encoded = res.headers["x-echo"];
        let echo: Echo | undefined;
        if (typeof encoded === "string") {
          try { echo = JSON.parse(Buffer.from(encoded, "base64url").toString()) as Echo; } catch { /* not from an echo app */ }
        }
        resolve({ status: res.statusCode ?? 0, ...(typeof reason === "string" && { reason }), headers: res.headers, body: text, ...(echo && { echo }) });
      });
    });
    req.setTimeout(options.limitMs ?? 10_000, () => req.destroy(new Error("the test client gave up")));
    req.on("error", (error) => resolve({ status: 0, reason: "client-error", headers: {}, body: error.message }));
    req.end(body);
  });
}

export { inParallel } from "../../support/in-parallel.ts";

export async function waitFor<T>(probe: () => T | undefined | false | Promise<T | undefined | false>, limitMs: number, what: () => string): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${limitMs} ms: ${what()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** GET on a proxy's admin port: /ready, /config_dump, /metrics. */
export async function adminGet(port: number, pathname: string): Promise<{ status: number; body: string }> {
  const reply = await send(port, "admin", { path: pathname });
  return { status: reply.status, body: reply.body };
}

export interface ConfigDump {
  version: string | null;
  bundleVersion?: string;
  controlPlaneConnected: boolean;
  view?: unknown;
}

export async function configDump(w: RunningWorkload): Promise<ConfigDump> {
  return JSON.parse((await adminGet(w.ports.admin, "/config_dump")).body) as ConfigDump;
}

/** A counter's value in Prometheus text (the sum over its series). */
export function metricValue(text: string, name: string): number {
  let sum = 0;
  for (const line of text.split("\n")) {
    if (line.startsWith(`${name} `) || line.startsWith(`${name}{`)) sum += Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return sum;
}

export class LiveMesh {
  cp: ControlPlane | undefined;
  readonly workloads: RunningWorkload[] = [];
  /** The control plane's and proxies' log lines, for failure messages. */
  readonly logs: string[] = [];
  private port = 0;

  private constructor(readonly work: string) {}

  /** Starts a control plane with `bundle` applied, then every workload's app and proxy; waits for sync. */
  static async start(options: { bundle: Bundle; workloads?: readonly Workload[] }): Promise<LiveMesh> {
    const mesh = new LiveMesh(mkdtempSync(path.join(os.tmpdir(), "typemesh-runtime-")));
    try {
      await mesh.startControlPlane();
      const outcome = mesh.cp!.apply(options.bundle, "test");
      if ("error" in outcome) throw new Error(`the control plane refused the test bundle: ${outcome.problems.join("; ")}`);
      for (const w of options.workloads ?? DEMO_WORKLOADS) await mesh.addWorkload(w);
      await mesh.waitForSync();
    } catch (error) {
      await mesh.stop();
      throw error;
    }
    return mesh;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  private log(who: string): (line: string) => void {
    return (line) => { this.logs.push(`${who}: ${line}`); };
  }

  /** Starts the control plane on its first port and state directory (again, after stopControlPlane). */
  async startControlPlane(): Promise<void> {
    const cp = new ControlPlane({
      stateDir: path.join(this.work, "control-plane"), adminToken: ADMIN_TOKEN, port: this.port, endpointDebounceMs: 10,
      log: this.log("control plane"),
    });
    this.port = (await cp.listen()).port;
    this.cp = cp;
  }

  async stopControlPlane(): Promise<void> {
    const cp = this.cp;
    this.cp = undefined;
    await cp?.close();
  }

  /** Starts an app and its sidecar; `extra` adds or overrides proxy options (e.g. maxViewBytes). */
  async addWorkload(w: Workload, extra: Partial<ProxyOptions> = {}): Promise<RunningWorkload> {
    const replica = this.workloads.filter((o) => o.service === w.service && o.version === w.version).length;
    const id = `${w.service}-${w.version}${replica ? `-${replica}` : ""}`;
    const app = await startEchoApp(w.service, w.version);
    const options: ProxyOptions = {
      service: w.service, version: w.version, app: { host: "127.0.0.1", port: app.port }, controlPlane: this.url,
      stateDir: path.join(this.work, "proxies"), id, log: this.log(id), ...extra,
    };
    const proxy = new Proxy(options);
    const ports = await proxy.start();
    const running: RunningWorkload = { ...w, id, proxy, ports, app, options: { ...options, outboundPort: ports.outbound, inboundPort: ports.inbound, adminPort: ports.admin } };
    this.workloads.push(running);
    return running;
  }

  /** Closes a proxy and starts it again with the same id, ports and state directory. */
  async restartProxy(w: RunningWorkload): Promise<void> {
    await w.proxy.close();
    w.proxy = new Proxy(w.options);
    w.ports = await w.proxy.start();
  }

  workload(service: string, version = "v1"): RunningWorkload {
    const found = this.workloads.find((w) => w.service === service && w.version === version);
    if (!found) throw new Error(`no workload ${service} ${version} in the test mesh`);
    return found;
  }

  /** A request from `from`'s sidecar (its first workload) to the service named `to`. */
  send(from: string, to: string, options: SendOptions = {}): Promise<Reply> {
    const caller = this.workloads.find((w) => w.service === from || `shop/${w.service}` === from);
    if (!caller) throw new Error(`no caller ${from} in the test mesh`);
    return send(caller.ports.outbound, to, options);
  }

  status(): ProxyStatus[] {
    return this.cp?.status().proxies ?? [];
  }

  /** Waits until every workload's proxy is connected and SYNCED on the view it should have. */
  async waitForSync(limitMs = 10_000): Promise<void> {
    await waitFor(() => {
      const proxies = this.status();
      return proxies.length === this.workloads.length && proxies.every((p) => p.state === "SYNCED");
    }, limitMs, () => `proxies not SYNCED: ${JSON.stringify(this.status().map((p) => [p.id, p.state, p.error]))}\n${this.logs.slice(-20).join("\n")}`);
  }

  /** A request to the control plane's admin API. */
  admin(method: string, pathname: string, body?: string, token = ADMIN_TOKEN): Promise<{ status: number; json: Record<string, unknown> }> {
    return new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : Buffer.from(body);
      const req = request(`${this.url}${pathname}`, {
        method, headers: { authorization: `Bearer ${token}`, ...(payload && { "content-type": "application/json", "content-length": payload.length }) },
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString() || "{}") as Record<string, unknown> }));
      });
      req.on("error", reject);
      req.end(payload);
    });
  }

  async stop(): Promise<void> {
    await Promise.all(this.workloads.map((w) => w.proxy.close()));
    await Promise.all(this.workloads.map((w) => w.app.close()));
    await this.stopControlPlane();
    rmSync(this.work, { recursive: true, force: true });
  }
}
