// The mesh the proxy benchmark runs: a caller (bench/client) and two destinations with the same
// route, a path match, a request header change and a timeout, as a typical route has. bench/upstream
// is reached through its own sidecar (the sidecar pair, over mTLS); bench/direct is the upstream app
// itself, registered on the config stream by the benchmark (one proxy: the caller's outbound listener
// and nothing else). Permissive mTLS lets the load generator call the upstream's sidecar in plaintext
// too (one proxy: an inbound listener in front of the app, the same place HAProxy takes).
import { writeFileSync } from "node:fs";
import path from "node:path";
import { createBundle, serializeBundle, type Bundle } from "../../src/compiler/emit/bundle.ts";
import type { MeshIR, ServiceIR } from "../../src/compiler/ir/schema.ts";
import { validateMeshIR } from "../../src/compiler/ir/validate.ts";
import { SIDECAR_MALLOC } from "../../src/cli/sidecar-environment.ts";
import WebSocket from "ws";
import { get, until } from "../support/probe.ts";
import { startChild, startCli, type Child } from "../support/processes.ts";
import { resilientService } from "./layer-cost.ts";

const source = { file: "bench/proxy/bench-mesh.ts", line: 1, column: 1 };

function service(name: string, withRoute: boolean): ServiceIR {
  return {
    id: `bench/${name}`, name, namespace: "bench", port: 8080, identity: `spiffe://bench.local/ns/bench/sa/${name}`,
    mtls: "permissive", loadBalancer: "round-robin", versions: [{ name: "v1", labels: { version: "v1" } }],
    routes: withRoute ? [{
      name: "api",
      matches: [{ path: { kind: "prefix", value: "/" }, headers: [], query: [] }],
      destinations: [{ version: "v1", weight: 100 }],
      timeoutMs: 5000,
      requestHeaders: { set: { "x-bench-route": "api" }, add: {}, remove: [] },
      source,
    }] : [],
    authorization: { allow: [], deny: [] },
    source,
  };
}

export function benchBundle(): Bundle {
  const ir: MeshIR = {
    apiVersion: "typemesh.dev/v1",
    mesh: { trustDomain: "bench.local", mtls: "permissive" },
    // bench/resilient: bench/direct's route with every resilience layer on, none triggering (layer-cost.ts).
    services: [service("client", false), service("direct", true), resilientService(service("direct", true)), service("upstream", true)],
  };
  const problems = validateMeshIR(ir);
  if (problems.length > 0) throw new Error(`the bench mesh is not valid IR: ${problems.join("; ")}`);
  return createBundle(ir);
}

/** HAProxy as the reference reverse proxy: one thread (a Node proxy has one), keep-alive both sides. */
export function haproxyConfig(port: number, upstreamPort: number): string {
  return [
    "global",
    "  nbthread 1",
    "  maxconn 4000",
    "defaults",
    "  mode http",
    "  option http-keep-alive",
    "  timeout connect 2s",
    "  timeout client 30s",
    "  timeout server 30s",
    "frontend bench",
    `  bind 127.0.0.1:${port}`,
    "  default_backend upstream",
    "backend upstream",
    "  http-reuse always",
    `  server app 127.0.0.1:${upstreamPort} maxconn 64`,
    "",
  ].join("\n");
}

/**
 * Registers the upstream app itself as an endpoint of `service` on the config stream (a workload with no
 * sidecar of its own, ACKing what it is sent): bench/direct and bench/resilient reach the app this way.
 */
export function registerApp(controlPlane: string, port: number, service: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${controlPlane.replace("http:", "ws:")}/v1/stream`);
    socket.on("open", () => socket.send(JSON.stringify({ type: "hello", node: { id: service.replace("/", "-"), service, version: "v1", inbound: { host: "127.0.0.1", port } } })));
    socket.on("message", (data) => {
      const message = JSON.parse(data.toString()) as { type: string; nonce?: string; version?: string; message?: string };
      if (message.type === "snapshot") {
        socket.send(JSON.stringify({ type: "ack", nonce: message.nonce, version: message.version }));
        resolve(socket);
      } else if (message.type === "error") reject(new Error(`the control plane refused ${service}: ${message.message}`));
    });
    socket.on("error", reject);
  });
}

/** The running bench mesh: the upstream app and a control plane serving benchBundle(). */
export interface BenchMesh {
  work: string;
  upstreamPort: number;
  controlPlane: string;
}

/** Starts the upstream app (upstream.ts) and the control plane (`typemesh control-plane`), each pushed to `children`. */
export async function startBenchMesh(work: string, children: Child[], token = "bench"): Promise<BenchMesh> {
  const upstream = startChild("upstream", process.execPath, ["--import", "tsx", "bench/proxy/upstream.ts"]);
  children.push(upstream);
  const upstreamPort = Number((await upstream.waitFor(/upstream listening on (\d+)/))[1]);
  const bundleFile = path.join(work, "bundle.json");
  writeFileSync(bundleFile, serializeBundle(benchBundle()));
  const cp = startCli("control plane", ["control-plane", "--bundle", bundleFile, "--port", "0", "--state-dir", path.join(work, "cp"), "--token", token]);
  children.push(cp);
  const controlPlane = (await cp.waitFor(/control plane listening on (http:\/\/\S+)/))[1]!;
  return { work, upstreamPort, controlPlane };
}

export interface BenchProxyOptions {
  /** More `typemesh proxy` options (--no-mtls). */
  args?: string[];
  /** Node's own flags (--cpu-prof). */
  nodeFlags?: string[];
  /** Another checkout's bin/typemesh.js (cpu-per-request --baseline); this one's by default. */
  cli?: string;
  /** Environment over the allocator settings (cpu-per-request --env-row); a variable set empty is left out. */
  env?: Record<string, string>;
}

/**
 * The allocator environment bench sidecars run with: each of SIDECAR_MALLOC (docs/cli.md's), unless the benchmark's own
 * environment sets it; set empty (`MALLOC_ARENA_MAX=`), it is left out, which measures glibc's default.
 */
function sidecarMalloc(): Record<string, string> {
  return Object.fromEntries(Object.entries(SIDECAR_MALLOC).map(([name, recommended]) => [name, process.env[name] ?? recommended]));
}

/** An environment with each variable set empty left out (spawn leaves out one whose value is undefined). */
function withoutEmpty(env: Record<string, string>): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(env).map(([name, value]) => [name, value === "" ? undefined : value]));
}

/** Says which allocator settings the sidecars run with, for a benchmark's header. */
export function sidecarMallocNote(): string {
  const settings = Object.entries(withoutEmpty(sidecarMalloc()));
  const recommended = settings.every(([name, value]) => value === SIDECAR_MALLOC[name]);
  const shown = settings.map(([name, value]) => (value === undefined ? `${name} glibc's default` : `${name}=${value}`)).join(" ");
  return `sidecars with ${shown}${recommended ? " (docs/cli.md's recommendation)" : ""}`;
}

/** A sidecar as users start one (`typemesh proxy`), on ports of its own, pushed to `children`. */
export function startBenchProxy(mesh: BenchMesh, children: Child[], id: string, service: string, app: string, options: BenchProxyOptions = {}): Child {
  const args = ["proxy", "--service", service, "--version", "v1", "--app", app, "--control-plane", mesh.controlPlane, "--id", id,
    "--outbound", "0", "--inbound", "0", "--admin", "0", "--state-dir", path.join(mesh.work, "proxies", id), ...(options.args ?? [])];
  const env = withoutEmpty({ ...sidecarMalloc(), ...options.env });
  const child = options.cli
    ? startChild(id, process.execPath, [...(options.nodeFlags ?? []), options.cli, ...args], env)
    : startCli(id, args, options.nodeFlags, env);
  children.push(child);
  return child;
}

/**
 * Until the caller's view (its admin port's /config_dump) has an endpoint for each of its destinations:
 * bench/direct and bench/resilient (registered by the benchmark), and bench/upstream with the identity
 * that makes the hop mTLS.
 */
export async function untilCallerKnowsDestinations(adminPort: number): Promise<void> {
  await until("the caller to know every destination", async () => {
    const dump = JSON.parse((await get(adminPort, "/config_dump")).body) as { view?: { endpoints: Record<string, { identity?: string }[]> } };
    return dump.view?.endpoints["bench/direct"]?.length === 1 && dump.view.endpoints["bench/resilient"]?.length === 1 && dump.view.endpoints["bench/upstream"]?.[0]?.identity !== undefined;
  });
}

/** The ports a started sidecar printed. */
export async function proxyPorts(child: Child): Promise<{ outbound: number; inbound: number; admin: number }> {
  const match = await child.waitFor(/outbound \S+:(\d+) inbound \S+:(\d+) admin \S+:(\d+)/);
  return { outbound: Number(match[1]), inbound: Number(match[2]), admin: Number(match[3]) };
}
