// The memory of one caller's sidecar that carries several kinds of traffic, as bench/proxy's mTLS caller
// does: it serves the mTLS pair (bench/upstream through its sidecar), a route straight to the app
// (bench/direct) and a route with every resilience layer on (bench/resilient), each saturated in turn.
// After each run: the caller's VmRSS, VmHWM (the peak), anonymous and file-backed memory, and its V8
// heap as its /metrics reports it; `--smaps` adds where the resident memory lies (node's executable,
// malloc's main heap, other anonymous mappings, shared libraries).
//
//   node --import tsx bench/proxy-memory/caller-routes.ts [--seconds 8] [--order upstream,direct,resilient] [--smaps]
//
// The sidecars run with docs/cli.md's allocator settings (bench-mesh.ts); one set empty in this
// process's environment (`MALLOC_MMAP_THRESHOLD_= MALLOC_TRIM_THRESHOLD_=`) measures glibc's default.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import type WebSocket from "ws";
import { get, until } from "../support/probe.ts";
import { machine, memoryOf, type Child } from "../support/processes.ts";
import { proxyPorts, registerApp, sidecarMallocNote, startBenchMesh, startBenchProxy, untilCallerKnowsDestinations } from "../proxy/bench-mesh.ts";
import { saturate } from "../proxy/load.ts";

const { values: args } = parseArgs({
  options: {
    seconds: { type: "string", default: "8" },
    order: { type: "string", default: "upstream,direct,resilient" },
    connections: { type: "string", default: "32" },
    smaps: { type: "boolean", default: false },
  },
});
const SECONDS = Number(args.seconds);
const ROUTES = args.order.split(",");

/** Resident MB by kind of mapping, from /proc/<pid>/smaps. */
function residentByMapping(pid: number): Record<string, string> {
  const totals: Record<string, number> = {};
  let kind = "";
  for (const line of readFileSync(`/proc/${pid}/smaps`, "utf8").split("\n")) {
    const mapping = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (mapping) {
      const name = mapping[1]!;
      kind = name === "" ? "other anonymous" : name === "[heap]" ? "malloc's main heap" : name === process.execPath ? "node's executable" : name.startsWith("/") ? "shared libraries" : name;
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss) totals[kind] = (totals[kind] ?? 0) + Number(rss[1]) / 1024;
  }
  return Object.fromEntries(Object.entries(totals).filter(([, mb]) => mb >= 0.1).map(([name, mb]) => [name, mb.toFixed(1)]));
}

const children: Child[] = [];
const sockets: WebSocket[] = [];
const work = mkdtempSync(path.join(os.tmpdir(), "typemesh-caller-routes-"));
try {
  const where = machine();
  process.stdout.write(`proxy-memory/caller-routes on ${where.cpus}× ${where.cpuModel}, Node ${where.node}, load average ${where.load}; ${sidecarMallocNote()}\n`);
  const mesh = await startBenchMesh(work, children);
  const server = startBenchProxy(mesh, children, "bench-upstream", "bench/upstream", `127.0.0.1:${mesh.upstreamPort}`);
  const caller = startBenchProxy(mesh, children, "bench-client", "bench/client", "127.0.0.1:9");
  const serverPorts = await proxyPorts(server);
  const callerPorts = await proxyPorts(caller);
  sockets.push(await registerApp(mesh.controlPlane, mesh.upstreamPort, "bench/direct"), await registerApp(mesh.controlPlane, mesh.upstreamPort, "bench/resilient"));
  await until("the proxies to be ready", async () => (await get(serverPorts.admin, "/ready")).status === 200 && (await get(callerPorts.admin, "/ready")).status === 200);
  await untilCallerKnowsDestinations(callerPorts.admin);
  const pid = caller.process.pid!;
  const report = async (what: string, requests?: number) => {
    const memory = memoryOf(pid)!;
    const metrics = (await get(callerPorts.admin, "/metrics")).body;
    const heapMb = (name: string) => (Number(new RegExp(`^${name} (\\S+)`, "m").exec(metrics)?.[1]) / 2 ** 20).toFixed(1);
    const served = requests === undefined ? "" : ` (${requests} requests)`;
    process.stdout.write(`${what}${served}: RSS ${memory.rssMb.toFixed(1)} MB, peak ${memory.peakMb.toFixed(1)} MB, anonymous ${memory.anonMb.toFixed(1)}, file ${memory.fileMb.toFixed(1)}; V8 heap ${heapMb("nodejs_heap_size_used_bytes")} used of ${heapMb("nodejs_heap_size_total_bytes")} MB\n`);
    if (args.smaps) process.stdout.write(`  ${JSON.stringify(residentByMapping(pid))}\n`);
  };
  await report("idle");
  for (const route of ROUTES) {
    const host = `${route}.bench`;
    const { requests } = await saturate({ url: `http://127.0.0.1:${callerPorts.outbound}/api/items`, host }, SECONDS, Number(args.connections));
    await report(host, requests);
  }
} finally {
  for (const socket of sockets) socket.terminate();
  for (const child of children.reverse()) await child.stop();
  rmSync(work, { recursive: true, force: true });
}
