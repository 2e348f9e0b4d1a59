// The resident memory of `typemesh proxy` (issue 3: ≤ 80 MB RSS per proxy), idle and under load: the
// bench mesh (bench/proxy/bench-mesh.ts) with three sidecars, a plaintext caller (--no-mtls), an mTLS
// caller and the mTLS upstream's sidecar, each its own process started by the CLI as a sidecar is
// (prebuilt dist/proxy.mjs while it is current). Idle: each proxy's VmRSS and VmHWM once it has its
// config (and its certificate) and has sat still for --idle seconds. Then, with --load, one saturating
// run at a time (autocannon, loopback): the plaintext caller's outbound listener (Host direct.bench),
// then the mTLS pair (mTLS caller → mTLS → upstream's sidecar), each proxy's VmHWM after its run.
//
// With --rounds N each saturating run is repeated N times (a proxy's memory under sustained load: the
// old generation and malloc's arenas grow over tens of seconds, not in one run).
//
//   node --import tsx bench/proxy-memory/rss.ts [--idle 5] [--load 8] [--rounds 1] [--connections 32]
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import type WebSocket from "ws";
import { get, until } from "../support/probe.ts";
import { machine, memoryOf, sleep, type Child } from "../support/processes.ts";
import { proxyPorts, registerApp, sidecarMallocNote, startBenchMesh, startBenchProxy } from "../proxy/bench-mesh.ts";
import { saturate } from "../proxy/load.ts";
// @ts-expect-error a plain JavaScript module of the bin, without types
import { prebuilt } from "../../bin/prebuilt.js";

const { values: args } = parseArgs({
  options: {
    idle: { type: "string", default: "5" },
    load: { type: "string" },
    rounds: { type: "string", default: "1" },
    connections: { type: "string", default: "32" },
  },
});

const mb = (pid: number | undefined) => {
  const m = memoryOf(pid);
  return m ? `RSS ${m.rssMb.toFixed(1)} MB (anonymous ${m.anonMb.toFixed(1)}, file-backed ${m.fileMb.toFixed(1)}), peak ${m.peakMb.toFixed(1)} MB` : "gone";
};

const children: Child[] = [];
const sockets: WebSocket[] = [];
const work = mkdtempSync(path.join(os.tmpdir(), "typemesh-bench-rss-"));
try {
  const where = machine();
  process.stdout.write(`bench/proxy-memory on ${where.cpus}× ${where.cpuModel}, Node ${where.node}, load average ${where.load}\n`);
  // From the sources, tsx's loader adds about 40 MB to each proxy: say which one is measured.
  const current = prebuilt(new URL("../../", import.meta.url), "proxy") !== undefined;
  process.stdout.write(`${sidecarMallocNote()}\n`);
  process.stdout.write(current ? "proxies run dist/proxy.mjs\n" : "NOTE: dist/proxy.mjs is stale or missing (node scripts/prebuild.mjs): the proxies run from the sources, through tsx\n");
  const mesh = await startBenchMesh(work, children);
  const { upstreamPort, controlPlane } = mesh;
  const plain = startBenchProxy(mesh, children, "plain-client", "bench/client", "127.0.0.1:9", { args: ["--no-mtls"] });
  const client = startBenchProxy(mesh, children, "mtls-client", "bench/client", "127.0.0.1:9");
  const server = startBenchProxy(mesh, children, "mtls-upstream", "bench/upstream", `127.0.0.1:${upstreamPort}`);
  const [plainPorts, clientPorts, serverPorts] = [await proxyPorts(plain), await proxyPorts(client), await proxyPorts(server)];
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
    const rounds = Math.max(1, Number(args.rounds));
    for (const run of runs) {
      for (let round = 1; round <= rounds; round++) {
        const { requests, non2xx } = await saturate(run, seconds, Number(args.connections));
        process.stdout.write(`\n${run.name}${rounds > 1 ? `, run ${round} of ${rounds}` : ""}: ${Math.round(requests / seconds)} req/s${non2xx ? `, ${non2xx} non-2xx` : ""} over ${seconds} s\n`);
        for (const child of run.proxies) process.stdout.write(`  ${child.name.padEnd(14)} ${mb(child.process.pid)}\n`);
      }
    }
  }
} finally {
  for (const socket of sockets) socket.terminate();
  for (const child of children.reverse()) await child.stop();
  rmSync(work, { recursive: true, force: true });
}
