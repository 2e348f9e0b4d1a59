// What one proxied request costs the proxy process in CPU, typemesh's outbound listener beside the bare
// Node.js proxy (bare-proxy.ts), every proxy over the same seconds (2 s slices in turn): the process's
// CPU time (/proc) over its saturating slices, divided by the requests it served. Throughput on this
// 2-core machine drifts with everything else running on it; CPU per request moves with the proxy's own
// code. The same mesh as bench/proxy/run.ts.
//
//   node --import tsx bench/proxy/cpu-per-request.ts [--seconds 8] [--rounds 3] [--connections 32]
//                                                    [--host direct.bench]   (resilient.bench: every layer on)
//                                                    [--inbound]             (the callee's inbound listener instead)
//                                                    [--cpu-prof DIR]        (a CPU profile of typemesh's proxy)
//                                                    [--baseline REF]        (also the proxy of git REF, e.g. HEAD~1)
//                                                    [--tuned]               (also a proxy started with --tune throughput)
//                                                    [--args-row="OPTIONS"]  (also this build's proxy started with these `typemesh proxy`
//                                                                            options, e.g. "--old-generation-budget 2"; may be given again)
//                                                    [--env-row "NAME=VALUE …"] (also this build's proxy with that environment over the
//                                                                            allocator settings; NAME= leaves NAME out, e.g. glibc's default:
//                                                                            --env-row "MALLOC_MMAP_THRESHOLD_= MALLOC_TRIM_THRESHOLD_=")
//
// --baseline checks REF out into a temporary worktree (sharing this checkout's node_modules), prebuilds
// it, and runs its proxy as one more row of every round: a change is judged against its parent on the
// same machine minutes apart, which is the only comparison this machine's drift allows.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import WebSocket from "ws";
import { cpuTimeOf, machine, memoryOf, repo, sleep, startChild, type Child } from "../support/processes.ts";
import { proxyPorts, registerApp, startBenchMesh, startBenchProxy } from "./bench-mesh.ts";
import { median } from "../support/stats.ts";
import { inTurn, saturate } from "./load.ts";

const { values: args } = parseArgs({
  options: {
    seconds: { type: "string", default: "8" },
    rounds: { type: "string", default: "3" },
    connections: { type: "string", default: "32" },
    host: { type: "string", default: "direct.bench" },
    inbound: { type: "boolean", default: false },
    "cpu-prof": { type: "string" },
    baseline: { type: "string" },
    tuned: { type: "boolean", default: false },
    "env-row": { type: "string" },
    "args-row": { type: "string", multiple: true },
  },
});
const SECONDS = Number(args.seconds);
const CONNECTIONS = Number(args.connections);

/** Requests served in `seconds` at saturation. */
const load = async (url: string, host: string | undefined, seconds: number) => (await saturate({ url, ...(host && { host }) }, seconds, CONNECTIONS)).requests;

const children: Child[] = [];
const sockets: WebSocket[] = [];
const work = mkdtempSync(path.join(os.tmpdir(), "typemesh-bench-cpu-"));
const baselineTree = args.baseline ? path.join(work, "baseline") : undefined;
try {
  const where = machine();
  process.stdout.write(`bench/proxy cpu-per-request on ${where.cpus}× ${where.cpuModel}, Node ${where.node}, load average ${where.load}\n`);
  const mesh = await startBenchMesh(work, children);
  const { upstreamPort, controlPlane } = mesh;
  // The caller's sidecar (its outbound listener), or with --inbound the upstream's sidecar (its inbound
  // listener, in front of the app, plaintext: the mesh is permissive).
  const [service, app] = args.inbound ? ["bench/upstream", `127.0.0.1:${upstreamPort}`] : ["bench/client", "127.0.0.1:9"];
  const profile = args["cpu-prof"] ? ["--cpu-prof", "--cpu-prof-dir", path.resolve(args["cpu-prof"])] : [];
  const id = service.replace("/", "-");
  // Each typemesh row is a proxy of its own, measured on the listener the run is about.
  const listenerOf = async (name: string, child: Child) => {
    const ports = await proxyPorts(child);
    const [port, host] = args.inbound ? [ports.inbound, undefined] : [ports.outbound, args.host];
    return { name: `typemesh ${args.inbound ? "inbound" : "outbound"}${name}`, pid: child.process.pid!, url: `http://127.0.0.1:${port}/api/items`, host };
  };
  const rows = [await listenerOf(args.inbound ? " (in front of the app)" : ` (Host: ${args.host})`, startBenchProxy(mesh, children, id, service, app, { nodeFlags: profile }))];
  if (args.tuned) rows.push(await listenerOf(", --tune throughput", startBenchProxy(mesh, children, `${id}-tuned`, service, app, { args: ["--tune", "throughput"] })));
  for (const [i, options] of (args["args-row"] ?? []).entries()) {
    rows.push(await listenerOf(`, ${options}`, startBenchProxy(mesh, children, `${id}-args${i}`, service, app, { args: options.split(/\s+/).filter(Boolean) })));
  }
  if (args["env-row"]) {
    const env = Object.fromEntries(args["env-row"].split(/\s+/).filter(Boolean).map((setting) => {
      const at = setting.indexOf("=");
      if (at <= 0) throw new Error(`--env-row: "${setting}" is not NAME=VALUE`);
      return [setting.slice(0, at), setting.slice(at + 1)];
    }));
    rows.push(await listenerOf(` with ${args["env-row"]}`, startBenchProxy(mesh, children, `${id}-env`, service, app, { env })));
  }
  if (baselineTree) {
    execFileSync("git", ["worktree", "add", "--detach", baselineTree, args.baseline!], { cwd: repo, stdio: "ignore" });
    symlinkSync(path.join(repo, "node_modules"), path.join(baselineTree, "node_modules"));
    execFileSync(process.execPath, ["scripts/prebuild.mjs"], { cwd: baselineTree, stdio: "ignore" });
    rows.push(await listenerOf(` at ${args.baseline}`, startBenchProxy(mesh, children, `${id}-baseline`, service, app, { cli: path.join(baselineTree, "bin/typemesh.js") })));
  }
  sockets.push(await registerApp(controlPlane, upstreamPort, "bench/direct"), await registerApp(controlPlane, upstreamPort, "bench/resilient"));
  const bare = startChild("bare proxy", process.execPath, ["--import", "tsx", "bench/proxy/bare-proxy.ts", String(upstreamPort)]);
  children.push(bare);
  const barePort = Number((await bare.waitFor(/bare proxy listening on (\d+)/))[1]);
  const targets = [...rows, { name: "bare Node.js proxy", pid: bare.process.pid!, url: `http://127.0.0.1:${barePort}/api/items`, host: undefined as string | undefined }];
  // The typemesh proxy learns its view from the control plane: wait until it routes.
  for (const target of targets) {
    for (let i = 0; i < 100 && (await load(target.url, target.host, 1).catch(() => 0)) === 0; i++) await sleep(100);
  }
  const figures = new Map(targets.map((t) => [t.name, [] as { rps: number; cpuUs: number }[]]));
  for (const target of targets) await load(target.url, target.host, 2); // warm-up
  for (let round = 1; round <= Number(args.rounds); round++) {
    // Every target over the same seconds: 2 s slices taken in turn (load.ts's inTurn).
    const totals = targets.map(() => ({ requests: 0, cpuMs: 0 }));
    await inTurn(targets.length, SECONDS, 2, async (i, duration) => {
      const before = cpuTimeOf(targets[i]!.pid);
      totals[i]!.requests += await load(targets[i]!.url, targets[i]!.host, duration);
      totals[i]!.cpuMs += cpuTimeOf(targets[i]!.pid) - before;
    });
    targets.forEach((target, i) => {
      const { requests, cpuMs } = totals[i]!;
      const rps = requests / SECONDS;
      const cpuUs = (cpuMs * 1000) / requests;
      figures.get(target.name)!.push({ rps, cpuUs });
      process.stdout.write(`round ${round} ${target.name}: ${Math.round(rps)} req/s, ${cpuUs.toFixed(0)} µs CPU per request\n`);
    });
  }
  // Each process's peak RSS over the run (VmHWM): what an option that trades CPU for memory gives back.
  const peakOf = new Map(targets.map((t) => [t.name, memoryOf(t.pid)?.peakMb]));
  process.stdout.write(`\n| proxy | req/s (median) | CPU per request (median) | peak RSS |\n|---|---|---|---|\n`);
  for (const [name, rounds] of figures) process.stdout.write(`| ${name} | ${Math.round(median(rounds.map((r) => r.rps)))} | ${median(rounds.map((r) => r.cpuUs)).toFixed(0)} µs | ${peakOf.get(name)?.toFixed(1) ?? "?"} MB |\n`);
} finally {
  for (const socket of sockets) socket.terminate();
  for (const child of children.reverse()) await child.stop();
  if (baselineTree) {
    // Not there if adding it failed, and that error is the one to see.
    try { execFileSync("git", ["worktree", "remove", "--force", baselineTree], { cwd: repo, stdio: "ignore" }); } catch { /* nothing to remove */ }
  }
  rmSync(work, { recursive: true, force: true });
}
