// The resident memory of `typemesh proxy` (issue 3: ≤ 80 MB RSS per proxy), idle and under load: the
// bench mesh (bench/proxy/bench-mesh.ts) with three sidecars, a plaintext caller (--no-mtls), an mTLS
// caller and the mTLS upstream's sidecar, each its own process started by the CLI as a sidecar is
// (prebuilt dist/proxy.mjs while it is current). Idle: each proxy's VmRSS and VmHWM once it has its
// config (and its certificate) and has sat still for --idle seconds. Then, with --load, one saturating
// run at a time (autocannon, loopback): the plaintext caller's outbound listener (Host direct.bench),
// then the mTLS pair (mTLS caller → mTLS → upstream's sidecar), each proxy's VmHWM after its run.
//
//   node --import tsx bench/proxy-memory/rss.ts [--idle 5] [--load 8] [--connections 32]
import autocannon from "autocannon";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import type WebSocket from "ws";
import { serializeBundle } from "../../src/compiler/emit/bundle.ts";
import { machine, memoryOf, sleep, startChild, startCli, type Child } from "../support/processes.ts";
import { benchBundle, registerApp } from "../proxy/bench-mesh.ts";
// @ts-expect-error a plain JavaScript module of the bin, without types
import { prebuilt } from "../../bin/prebuilt.js";

const { values: args } = parseArgs({
  options: {
    idle: { type: "string", default: "5" },
    load: { type: "string" },
    connections: { type: "string", default: "32" },
  },
});

function get(port: number, pathname: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path: pathname }, (res) => {
      let body = "";
      res.setEncoding("utf8").on("data", (c: string) => (body += c)).on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject).end();
  });
}

async function until(what: string, test: () => Promise<boolean>, limitMs = 30_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!(await test().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

function load(url: string, host: string, seconds: number): Promise<{ requests: number; non2xx: number }> {
  return new Promise((resolve, reject) => {
    autocannon({ url, connections: Number(args.connections), duration: seconds, headers: { host } },
      (error, result) => (error ? reject(error) : resolve({ requests: result.requests.total, non2xx: result.non2xx })));
  });
}

const mb = (pid: number | undefined) => {
  const m = memoryOf(pid);
  return m ? `RSS ${m.rssMb.toFixed(1)} MB, peak ${m.peakMb.toFixed(1)} MB` : "gone";
};

const children: Child[] = [];
const sockets: WebSocket[] = [];
const work = mkdtempSync(path.join(os.tmpdir(), "typemesh-bench-rss-"));
try {
  const where = machine();
  process.stdout.write(`bench/proxy-memory on ${where.cpus}× ${where.cpuModel}, Node ${where.node}, load average ${where.load}\n`);
  // From the sources, tsx's loader adds about 40 MB to each proxy: say which one is measured.
  const current = prebuilt(new URL("../../", import.meta.url), "proxy") !== undefined;
  process.stdout.write(current ? "proxies run dist/proxy.mjs\n" : "NOTE: dist/proxy.mjs is stale or missing (node scripts/prebuild.mjs): the proxies run from the sources, through tsx\n");
  const upstream = startChild("upstream", process.execPath, ["--import", "tsx", "bench/proxy/upstream.ts"]);
  children.push(upstream);
  const upstreamPort = Number((await upstream.waitFor(/upstream listening on (\d+)/))[1]);
  const bundleFile = path.join(work, "bundle.json");
  writeFileSync(bundleFile, serializeBundle(benchBundle()));
  const cp = startCli("control plane", ["control-plane", "--bundle", bundleFile, "--port", "0", "--state-dir", path.join(work, "cp"), "--token", "bench"]);
  children.push(cp);
  const controlPlane = (await cp.waitFor(/control plane listening on (http:\/\/\S+)/))[1]!;
  const proxy = (id: string, service: string, app: string, extra: string[] = []) => startCli(id, ["proxy", "--service", service, "--version", "v1",
    "--app", app, "--control-plane", controlPlane, "--id", id, "--outbound", "0", "--inbound", "0", "--admin", "0", "--state-dir", path.join(work, "proxies"), ...extra]);
  const plain = proxy("plain-client", "bench/client", "127.0.0.1:9", ["--no-mtls"]);
  const client = proxy("mtls-client", "bench/client", "127.0.0.1:9");
  const server = proxy("mtls-upstream", "bench/upstream", `127.0.0.1:${upstreamPort}`);
  children.push(plain, client, server);
  const portsOf = async (child: Child) => {
    const match = await child.waitFor(/outbound \S+:(\d+) inbound \S+:(\d+) admin \S+:(\d+)/);
    return { outbound: Number(match[1]), inbound: Number(match[2]), admin: Number(match[3]) };
  };
  const [plainPorts, clientPorts, serverPorts] = [await portsOf(plain), await portsOf(client), await portsOf(server)];
  sockets.push(await registerApp(controlPlane, upstreamPort, "bench/direct"));
  for (const ports of [plainPorts, clientPorts, serverPorts]) await until("the proxies to be ready", async () => (await get(ports.admin, "/ready")).status === 200);
  await until("the mTLS caller to know its destinations", async () => {
    const dump = JSON.parse((await get(clientPorts.admin, "/config_dump")).body) as { view?: { endpoints: Record<string, { identity?: string }[]> } };
    return dump.view?.endpoints["bench/direct"]?.length === 1 && dump.view.endpoints["bench/upstream"]?.[0]?.identity !== undefined;
  });
  await sleep(Number(args.idle) * 1000);
  process.stdout.write(`\nidle, ${args.idle} s after ready:\n`);
  for (const child of [plain, client, server]) process.stdout.write(`  ${child.name.padEnd(14)} ${mb(child.process.pid)}\n`);

  if (args.load) {
    const seconds = Number(args.load);
    const runs = [
      { name: "plaintext caller, outbound (Host direct.bench)", url: `http://127.0.0.1:${plainPorts.outbound}/api/items`, host: "direct.bench", proxies: [plain] },
      { name: "mTLS pair (Host upstream.bench)", url: `http://127.0.0.1:${clientPorts.outbound}/api/items`, host: "upstream.bench", proxies: [client, server] },
    ];
    for (const run of runs) {
      const { requests, non2xx } = await load(run.url, run.host, seconds);
      process.stdout.write(`\n${run.name}: ${Math.round(requests / seconds)} req/s${non2xx ? `, ${non2xx} non-2xx` : ""} over ${seconds} s\n`);
      for (const child of run.proxies) process.stdout.write(`  ${child.name.padEnd(14)} ${mb(child.process.pid)}\n`);
    }
  }
} finally {
  for (const socket of sockets) socket.terminate();
  for (const child of children.reverse()) await child.stop();
  rmSync(work, { recursive: true, force: true });
}
