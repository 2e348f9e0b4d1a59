// A live mesh for resilience tests: a real control plane serving a MeshIR, and each workload as a
// real proxy in front of a ScriptedUpstream (its app). Requests enter through a caller's outbound
// listener and cross caller proxy → destination proxy → scripted app, as in production. 127.0.0.1 only.
import { mkdtempSync, rmSync } from "node:fs";
import { request } from "node:http";
import os from "node:os";
import path from "node:path";
import { createBundle } from "../../../src/compiler/emit/bundle.ts";
import type { MeshIR } from "../../../src/compiler/ir/schema.ts";
import { validateMeshIR } from "../../../src/compiler/ir/validate.ts";
import { ControlPlane } from "../../../src/runtime/control-plane/control-plane.ts";
import { Proxy, type ProxyPorts } from "../../../src/runtime/proxy/proxy.ts";
import { ScriptedUpstream } from "./scripted-upstream.ts";

export interface Workload {
  /** "namespace/name" or a name. */
  service: string;
  version: string;
}

export interface RunningWorkload extends Workload {
  proxy: Proxy;
  ports: ProxyPorts;
  app: ScriptedUpstream;
}

export interface Reply {
  status: number;
  reason?: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  ms: number;
}

export interface SendOptions {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
  /** Give up (status 0) after this long. */
  limitMs?: number;
}

/** One HTTP request to a proxy's outbound listener, naming the destination by Host. */
export function send(port: number, host: string, options: SendOptions = {}): Promise<Reply> {
  const started = performance.now();
  return new Promise((resolve) => {
    const body = options.body === undefined ? undefined : Buffer.from(options.body);
    const req = request({
      host: "127.0.0.1", port, method: options.method ?? "GET", path: options.path ?? "/",
      headers: { host, ...options.headers, ...(body && { "content-length": body.length }) },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("error", () => {});
      res.on("close", () => {
        const reason = res.headers["x-typemesh-reason"];
        resolve({
          status: res.statusCode ?? 0, ...(typeof reason === "string" && { reason }), headers: res.headers,
          body: Buffer.concat(chunks).toString(), ms: performance.now() - started,
        });
      });
    });
    req.setTimeout(options.limitMs ?? 20_000, () => req.destroy(new Error("test client gave up")));
    req.on("error", () => resolve({ status: 0, reason: "client-error", headers: {}, body: "", ms: performance.now() - started }));
    req.end(body);
  });
}

export { inParallel } from "../../support/in-parallel.ts";

export class ResilienceMesh {
  /** The control plane's and proxies' log lines, for failure messages. */
  readonly logs: string[];

  private constructor(
    readonly cp: ControlPlane,
    readonly workloads: RunningWorkload[],
    private readonly work: string,
    logs: string[],
  ) {
    this.logs = logs;
  }

  static async start(ir: MeshIR, workloads: readonly Workload[]): Promise<ResilienceMesh> {
    const problems = validateMeshIR(ir);
    if (problems.length > 0) throw new Error(`test mesh IR is invalid: ${problems.join("; ")}`);
    const work = mkdtempSync(path.join(os.tmpdir(), "typemesh-resilience-"));
    const logs: string[] = [];
    const logTo = (who: string) => (line: string) => { logs.push(`${who}: ${line}`); };
    const cp = new ControlPlane({ stateDir: path.join(work, "cp"), adminToken: "test", port: 0, endpointDebounceMs: 10, log: logTo("control plane") });
    const { url } = await cp.listen();
    const outcome = cp.apply(createBundle(ir), "test");
    if ("error" in outcome) throw new Error(`control plane refused the test mesh: ${outcome.problems.join("; ")}`);
    const running: RunningWorkload[] = [];
    const mesh = new ResilienceMesh(cp, running, work, logs);
    for (const [i, w] of workloads.entries()) {
      const app = await ScriptedUpstream.start(`${w.service} ${w.version} #${i}`);
      const proxy = new Proxy({
        service: w.service, version: w.version, app: { host: "127.0.0.1", port: app.port }, controlPlane: url,
        stateDir: path.join(work, "proxies"), id: `${w.service.replace("/", ".")}-${w.version}-${i}`, log: logTo(`${w.service} ${w.version} #${i}`),
      });
      running.push({ ...w, proxy, ports: await proxy.start(), app });
    }
    await mesh.settle();
    return mesh;
  }

  /** Waits until every proxy holds the config that knows every endpoint. */
  async settle(limitMs = 10_000): Promise<void> {
    const deadline = Date.now() + limitMs;
    await new Promise((r) => setTimeout(r, 50));
    for (;;) {
      const proxies = this.cp.status().proxies;
      if (proxies.length >= this.workloads.length && proxies.every((p) => p.state === "SYNCED")) break;
      if (Date.now() > deadline) {
        throw new Error(`the test mesh did not sync: ${JSON.stringify(proxies.map((p) => [p.id, p.state]))}\n${this.logs.slice(-30).join("\n")}`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  /** The workload (the first, or the n-th replica) of a service version. */
  workload(service: string, version: string, replica = 0): RunningWorkload {
    const found = this.workloads.filter((w) => w.service === service && w.version === version)[replica];
    if (!found) throw new Error(`no workload ${service} ${version} #${replica} in the test mesh`);
    return found;
  }

  /** Sends from the outbound listener of `from` (its first workload) to the service `to`. */
  send(from: string, to: string, options: SendOptions = {}): Promise<Reply> {
    const caller = this.workloads.find((w) => w.service === from);
    if (!caller) throw new Error(`no caller ${from} in the test mesh`);
    return send(caller.ports.outbound, to, options);
  }

  async stop(): Promise<void> {
    for (const w of this.workloads) await w.proxy.close();
    for (const w of this.workloads) await w.app.close();
    await this.cp.close();
    rmSync(this.work, { recursive: true, force: true });
  }
}
