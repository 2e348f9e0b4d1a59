// bench/proxy: one run on loopback, four ways to reach the same upstream: directly; through one
// typemesh proxy (the caller's outbound listener, and separately an inbound listener in front of the
// app); through a sidecar pair (outbound → mTLS → inbound, and the same pair in plaintext from a second
// caller started with --no-mtls, issue 5); through HAProxy, the reference. Node.js's own floor has three
// rows: a bare Node.js proxy (bare-proxy.ts), and two of them in a row under the pair, once in plaintext
// and once with the hop between them in TLS 1.3 with client certificates (the floor under the mTLS
// pair). One more row runs the caller's outbound path in a proxy started as the caller is but with
// --tune throughput, beside the default (--tune memory) on which the targets are judged: what the 80 MB
// bound costs. Latency at a fixed 1,000 rps sent open loop (paced.ts; added = minus direct's) and
// throughput at saturation (autocannon), each with the rows taking turns in slices of the same seconds,
// and each proxy's RSS: its peak, on which the target is judged, and the median and 90th percentile of
// samples taken through the run (every proxy is a child process started by the CLI).
//
//   node --import tsx bench/proxy/run.ts [--seconds 10] [--rate 1000] [--connections 32] [--json out.json]
//                                        [--cpu-prof DIR]   (profiles of the sidecars, written at exit)
//                                        [--rounds 3]       (every row measured once per round, rows in turn; medians)
//                                        [--layer-rounds 3] (resilience layers vs routing alone, layer-cost.ts; 0: none)
//                                        [--only REGEX]    (only the rows whose name matches REGEX, e.g. "HAProxy|bare|outbound")
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import WebSocket from "ws";
import { get, until } from "../support/probe.ts";
import { machine, memoryOf, sampleRss, startChild, type Child, type RssSpread } from "../support/processes.ts";
import { haproxyConfig, proxyPorts, registerApp, sidecarMallocNote, startBenchMesh, startBenchProxy, untilCallerKnowsDestinations } from "./bench-mesh.ts";
import { benchTls } from "./bench-tls.ts";
import { layerCost, layerCostTarget, type LayerCost } from "./layer-cost.ts";
import { saturateInTurn, type Saturation, type Target } from "./load.ts";
import { pacedLatencyInTurn, type Latency } from "./paced.ts";

const { values: args } = parseArgs({
  options: {
    seconds: { type: "string", default: "10" },
    rate: { type: "string", default: "1000" },
    connections: { type: "string", default: "32" },
    json: { type: "string" },
    "cpu-prof": { type: "string" },
    rounds: { type: "string", default: "3" },
    "layer-rounds": { type: "string", default: "3" },
    only: { type: "string" },
  },
});
const SECONDS = Number(args.seconds);
const RATE = Number(args.rate);
/** Seconds of each latency slice (pacedLatencyInTurn): 2,000 samples at 1,000 rps. */
const LATENCY_SLICE = 2;
const CONNECTIONS = Number(args.connections);
const TOKEN = "bench-admin-token";
/** The row of a proxy run with --tune throughput; the targets are judged on the default (--tune memory). */
const TUNED = "one proxy with --tune throughput";
/** The reference rows under the sidecar pair's p99 target: two bare Node.js proxies in a row, the hop between them plaintext or mTLS. */
const BARE_PAIR = "reference: bare Node.js pair (two bare proxies in a row, plaintext)";
const BARE_TLS_PAIR = "reference: bare Node.js pair, TLS hop (TLS 1.3 with client certificates between them)";

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function haproxyMissing(): string | undefined {
  try {
    execFileSync("haproxy", ["-v"], { stdio: "ignore" });
    return undefined;
  } catch {
    return "haproxy is not installed (Debian: apt-get update && apt-get install -y haproxy), so the HAProxy row and the ≥ 0.6× HAProxy target are not measured";
  }
}

interface Row {
  name: string;
  target: Target;
  saturation?: Saturation;
  /** Each round's saturation; rows share each round's seconds (slices in turn), so ratios pair by round. */
  rounds?: Saturation[];
  latency?: Latency;
}

const children: Child[] = [];
const work = mkdtempSync(path.join(os.tmpdir(), "typemesh-bench-proxy-"));
let direct: WebSocket | undefined;
let resilient: WebSocket | undefined;

async function main(): Promise<void> {
  const where = machine();
  const startedAt = new Date();
  process.stdout.write(`bench/proxy on ${where.cpus}× ${where.cpuModel}, ${where.memoryGb} GB, Node ${where.node}, load average ${where.load}\n`);
  process.stdout.write(`${SECONDS} s per measurement (after a warm-up), ${CONNECTIONS} connections at saturation, ${RATE} rps for latency; ${sidecarMallocNote()}\n\n`);

  const mesh = await startBenchMesh(work, children, TOKEN);
  const { upstreamPort, controlPlane } = mesh;
  const nodeFlags = args["cpu-prof"] ? ["--cpu-prof", "--cpu-prof-dir", path.resolve(args["cpu-prof"])] : [];
  const server = startBenchProxy(mesh, children, "bench-upstream", "bench/upstream", `127.0.0.1:${upstreamPort}`, { nodeFlags });
  const client = startBenchProxy(mesh, children, "bench-client", "bench/client", "127.0.0.1:9", { nodeFlags });
  // The same caller without mTLS (issue 5: the pair with mTLS beside plaintext): the callee's inbound is
  // permissive, so it takes both.
  const plainClient = startBenchProxy(mesh, children, "bench-client-plain", "bench/client", "127.0.0.1:9", { nodeFlags, args: ["--no-mtls"] });
  // The caller again, started as it is but with --tune throughput: what the memory bound costs, beside
  // the default in the same seconds.
  const tunedClient = startBenchProxy(mesh, children, "bench-client-tuned", "bench/client", "127.0.0.1:9", { nodeFlags, args: ["--tune", "throughput"] });
  const serverPorts = await proxyPorts(server);
  const clientPorts = await proxyPorts(client);
  const plainClientPorts = await proxyPorts(plainClient);
  const tunedClientPorts = await proxyPorts(tunedClient);
  direct = await registerApp(controlPlane, upstreamPort, "bench/direct");
  resilient = await registerApp(controlPlane, upstreamPort, "bench/resilient");
  // Ready: certificates issued, and the caller's view knows both destinations (bench/upstream over mTLS).
  await until("the proxies to be ready", async () => {
    for (const ports of [serverPorts, clientPorts, plainClientPorts, tunedClientPorts]) if ((await get(ports.admin, "/ready")).status !== 200) return false;
    return true;
  });
  await untilCallerKnowsDestinations(clientPorts.admin);

  const missing = haproxyMissing();
  let haproxyPort: number | undefined;
  if (missing) process.stdout.write(`NOTE: ${missing}\n\n`);
  else {
    haproxyPort = await freePort();
    const config = path.join(work, "haproxy.cfg");
    writeFileSync(config, haproxyConfig(haproxyPort, upstreamPort));
    const haproxy = startChild("haproxy", "haproxy", ["-f", config, "-db"]);
    children.push(haproxy);
    await until("haproxy", async () => {
      if (haproxy.process.exitCode !== null) throw new Error(`haproxy exited:\n${haproxy.output()}`);
      return (await get(haproxyPort!, "/")).status === 200;
    }, 10_000);
  }

  const startBare = async (name: string, port: number, options: string[] = []) => {
    const child = startChild(name, process.execPath, ["--import", "tsx", "bench/proxy/bare-proxy.ts", String(port), ...options]);
    children.push(child);
    return { child, port: Number((await child.waitFor(/bare proxy listening on (\d+)/))[1]) };
  };
  const { child: bare, port: barePort } = await startBare("bare proxy", upstreamPort);
  // The floor under the sidecar pair: two bare proxies, each its own process as two sidecars are, the
  // first forwarding to the second. What it adds at p99 is what any Node.js proxy pair adds on this
  // machine in the same seconds, before a mesh proxy does anything.
  const barePairPort = (await startBare("bare pair: outbound", (await startBare("bare pair: inbound", upstreamPort)).port)).port;
  // The same with the hop between them in TLS 1.3 with client certificates: what mTLS costs any Node.js
  // proxy pair on this machine, the floor under the mTLS pair on which the target is judged.
  const tlsFile = path.join(work, "bare-tls.json");
  writeFileSync(tlsFile, JSON.stringify(await benchTls()), { mode: 0o600 });
  const bareTlsCallee = await startBare("bare TLS pair: inbound", upstreamPort, ["--tls", tlsFile, "--tls-listen"]);
  const bareTlsPairPort = (await startBare("bare TLS pair: outbound", bareTlsCallee.port, ["--tls", tlsFile, "--tls-upstream"])).port;

  const allRows: Row[] = [
    { name: "direct to the upstream", target: { url: `http://127.0.0.1:${upstreamPort}/api/items` } },
    ...(haproxyPort ? [{ name: "HAProxy", target: { url: `http://127.0.0.1:${haproxyPort}/api/items` } }] : []),
    { name: "reference: bare Node.js proxy (node:http + undici dispatch(), nothing else)", target: { url: `http://127.0.0.1:${barePort}/api/items` } },
    { name: BARE_PAIR, target: { url: `http://127.0.0.1:${barePairPort}/api/items` } },
    { name: BARE_TLS_PAIR, target: { url: `http://127.0.0.1:${bareTlsPairPort}/api/items` } },
    { name: "one proxy: outbound (route, split, balance, pool)", target: { url: `http://127.0.0.1:${clientPorts.outbound}/api/items`, host: "direct.bench" } },
    { name: `${TUNED}: outbound (route, split, balance, pool)`, target: { url: `http://127.0.0.1:${tunedClientPorts.outbound}/api/items`, host: "direct.bench" } },
    { name: "one proxy: outbound, every resilience layer on (none triggering)", target: { url: `http://127.0.0.1:${clientPorts.outbound}/api/items`, host: "resilient.bench" } },
    { name: "one proxy: inbound in front of the app", target: { url: `http://127.0.0.1:${serverPorts.inbound}/api/items` } },
    { name: "sidecar pair: outbound → plaintext → inbound", target: { url: `http://127.0.0.1:${plainClientPorts.outbound}/api/items`, host: "upstream.bench" } },
    { name: "sidecar pair: outbound → mTLS → inbound", target: { url: `http://127.0.0.1:${clientPorts.outbound}/api/items`, host: "upstream.bench" } },
  ];
  const only = args.only === undefined ? undefined : new RegExp(args.only);
  const rows = allRows.filter((row, i) => i === 0 || !only || only.test(row.name));
  // This machine's figures drift by tens of percent within seconds, so a row measured once compares
  // badly with a row measured a minute later. Every row is measured once per round (throughput in slices
  // taken in turn, so rows share the same seconds), each figure is the median over the rounds, and each
  // ratio the median of the rounds' paired ratios.
  const ROUNDS = Math.max(1, Number(args.rounds));
  // The sidecars the RSS target is judged on, sampled through every measurement below beside their peaks.
  const judged = { caller: client, callee: server, "plaintext caller": plainClient };
  const rssSamples = sampleRss(Object.fromEntries(Object.entries(judged).map(([name, child]) => [name, child.process.pid])));
  const measured = new Map<Row, { saturation: Saturation[]; latency: Latency[] }>(rows.map((row) => [row, { saturation: [], latency: [] }]));
  for (let round = 1; round <= ROUNDS; round++) {
    if (ROUNDS > 1) process.stdout.write(`round ${round} of ${ROUNDS}\n`);
    // Latency first: right after a saturating run a proxy is still paying its garbage collection debt,
    // and the figure would be that of the recovery, not of a steady 1,000 rps. Rows share their seconds
    // here too, in slices taken in turn (paced.ts, pacedLatencyInTurn).
    process.stdout.write(`  latency at ${RATE} rps, every row in ${Math.ceil(SECONDS / LATENCY_SLICE)} slices of ${LATENCY_SLICE} s taken in turn…\n`);
    const latencies = await pacedLatencyInTurn(rows.map((row) => row.target), RATE, SECONDS, Math.min(CONNECTIONS, 16), LATENCY_SLICE);
    rows.forEach((row, i) => {
      const latency = latencies[i]!;
      process.stdout.write(`  ${row.name}: p50 ${latency.p50.toFixed(3)} ms p99 ${latency.p99.toFixed(3)} ms\n`);
      measured.get(row)!.latency.push(latency);
    });
    // Then every row's throughput over the same seconds, in slices taken in turn (load.ts).
    process.stdout.write(`  saturation, every row in ${SECONDS / 2} slices of 2 s taken in turn…\n`);
    const saturated = await saturateInTurn(rows.map((row) => row.target), SECONDS, CONNECTIONS);
    rows.forEach((row, i) => {
      measured.get(row)!.saturation.push(saturated[i]!);
      process.stdout.write(`  ${row.name}: ${Math.round(saturated[i]!.rps)} rps\n`);
    });
  }
  for (const row of rows) {
    const { saturation, latency } = measured.get(row)!;
    row.saturation = medianSaturation(saturation);
    row.rounds = saturation;
    row.latency = medianLatency(latency);
  }
  const rounds = Number(args["layer-rounds"]);
  if (rounds > 0) process.stdout.write(`resilience layers against routing alone, ${rounds} alternating rounds:\n`);
  const layers = rounds > 0
    ? await layerCost(allRows.find((r) => r.target.host === "direct.bench")!.target, allRows.find((r) => r.target.host === "resilient.bench")!.target,
      SECONDS, CONNECTIONS, rounds, (line) => process.stdout.write(`  ${line}\n`))
    : undefined;
  const spread = rssSamples.stop();
  const memory = { client: memoryOf(client.process.pid), server: memoryOf(server.process.pid), plainClient: memoryOf(plainClient.process.pid), tunedClient: memoryOf(tunedClient.process.pid), haproxy: haproxyPort ? memoryOf(children.find((c) => c.name === "haproxy")?.process.pid) : undefined, bare: memoryOf(bare.process.pid) };
  const sidecars = Object.entries(judged).map(([name, child]) => ({ name, memory: memoryOf(child.process.pid), spread: spread[name] }));
  const report = render(rows, memory, sidecars, missing, layers);
  process.stdout.write(`\n${report}\n`);
  if (args.json) {
    writeFileSync(args.json, `${JSON.stringify({ machine: where, date: startedAt.toISOString(), seconds: SECONDS, rate: RATE, connections: CONNECTIONS, rounds: ROUNDS,
      rows: rows.map((row) => ({ ...row, rounds: measured.get(row) })), memory, rssSpread: spread, haproxyMissing: missing ?? null }, null, 2)}\n`);
  }
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** Medians of the rounds' throughputs; errors summed, so that any failed request shows. */
function medianSaturation(runs: Saturation[]): Saturation {
  const sum = (pick: (s: Saturation) => number) => runs.reduce((total, s) => total + pick(s), 0);
  return { rps: median(runs.map((s) => s.rps)), requests: sum((s) => s.requests), errors: sum((s) => s.errors), non2xx: sum((s) => s.non2xx) };
}

/** Medians of the rounds' percentiles (each round's own p50 and p99); the max is the worst round's. */
function medianLatency(runs: Latency[]): Latency {
  const sum = (pick: (l: Latency) => number) => runs.reduce((total, l) => total + pick(l), 0);
  return {
    rps: median(runs.map((l) => l.rps)), p50: median(runs.map((l) => l.p50)), p90: median(runs.map((l) => l.p90)), p99: median(runs.map((l) => l.p99)), p999: median(runs.map((l) => l.p999)),
    max: Math.max(...runs.map((l) => l.max)), samples: sum((l) => l.samples), errors: sum((l) => l.errors), non2xx: sum((l) => l.non2xx),
  };
}

/** The median of the rounds' paired throughput ratios a / b. */
function pairedRatio(a: Row, b: Row): number {
  return median(a.rounds!.map((s, i) => s.rps / b.rounds![i]!.rps));
}

/** A sidecar the RSS target is judged on: its memory at the end (with its peak) and through the run. */
interface JudgedSidecar {
  name: string;
  memory: { rssMb: number; peakMb: number } | undefined;
  spread: RssSpread | undefined;
}

function render(rows: Row[], memory: Record<string, { rssMb: number; peakMb: number } | undefined>, sidecars: JudgedSidecar[], haproxyMissing: string | undefined, layers: LayerCost | undefined): string {
  const direct = rows[0]!.latency!;
  const haproxyRow = rows.find((r) => r.name === "HAProxy");
  const haproxy = haproxyRow?.saturation;
  const ms = (n: number) => `${n.toFixed(3)} ms`;
  const lines = [
    "| path | req/s at saturation | × HAProxy | p50 at 1,000 rps | p99 at 1,000 rps | added p50 | added p99 | errors |",
    "|---|---|---|---|---|---|---|---|",
  ];
  for (const row of rows) {
    const s = row.saturation!;
    const l = row.latency!;
    const isDirect = row === rows[0];
    lines.push(`| ${row.name} | ${Math.round(s.rps)} | ${haproxyRow ? `${pairedRatio(row, haproxyRow).toFixed(2)}×` : "n/a"} | ${ms(l.p50)} | ${ms(l.p99)} | ${isDirect ? "" : ms(l.p50 - direct.p50)} | ${isDirect ? "" : ms(l.p99 - direct.p99)} | ${s.errors + s.non2xx + l.errors + l.non2xx} |`);
  }
  const verdict = (ok: boolean | undefined) => (ok === undefined ? "NOT MEASURED" : ok ? "met" : "MISSED");
  const singles = rows.filter((r) => r.name.startsWith("one proxy") && !r.name.startsWith(TUNED));
  const tuned = rows.find((r) => r.name.startsWith(TUNED));
  const pair = rows.find((r) => r.name.startsWith("sidecar pair") && r.name.includes("mTLS"));
  const plainPair = rows.find((r) => r.name.startsWith("sidecar pair") && r.name.includes("plaintext"));
  const worstSingle = haproxyRow ? Math.min(...singles.map((r) => pairedRatio(r, haproxyRow))) : NaN;
  const addedP99 = pair ? pair.latency!.p99 - direct.p99 : NaN;
  const peaks = sidecars.map((s) => s.memory?.peakMb ?? NaN);
  lines.push("", "| target | measured | |", "|---|---|---|");
  // --only may leave out HAProxy, the single proxies or the pair: their targets are then not measured.
  const measured = haproxy && singles.length > 0;
  lines.push(`| one proxy ≥ 0.6× HAProxy's throughput | ${measured ? `${worstSingle.toFixed(2)}× (the slower single-proxy path; median of the rounds' paired ratios)` : haproxyMissing ?? "not in this run (--only)"} | ${verdict(measured ? worstSingle >= 0.6 : undefined)} |`);
  // Beside the verdict's figure (the mTLS pair), what the plaintext pair and the floor's pairs added,
  // each that --only kept.
  // Last, the direct path's own tail, no proxy on it: this machine stalls every process for a few ms
  // several times a second (bench/RESULTS.md, Proxy, "Where the pair's tail comes from"), which a path
  // meets at its p99 the more processes it crosses; where the direct path's p99.9 is ms, so is that stall.
  const beside = [
    ...([[plainPair, "plaintext pair"], [rows.find((r) => r.name === BARE_PAIR), "the bare Node.js pair"],
      [rows.find((r) => r.name === BARE_TLS_PAIR), "the bare Node.js pair with a TLS hop"]] as const)
      .flatMap(([row, label]) => (row ? [`${label} ${ms(row.latency!.p99 - direct.p99)}`] : [])),
    `the direct path's own p99.9 ${ms(direct.p999)}, slowest ${ms(direct.max)}`,
  ];
  const besideNote = ` (${beside.join("; ")})`;
  lines.push(`| a sidecar pair adds ≤ 1 ms p99 at ${RATE} rps | ${pair ? `${ms(addedP99)}${besideNote}` : "not in this run (--only)"} | ${verdict(pair ? addedP99 <= 1 : undefined)} |`);
  if (pair && plainPair) {
    const ratio = pairedRatio(pair, plainPair);
    const mtlsP99 = pair.latency!.p99 - plainPair.latency!.p99;
    lines.push(`| mTLS keeps ≥ 0.8× plaintext throughput (sidecar pair) | ${ratio.toFixed(2)}× (${Math.round(pair.saturation!.rps)} vs ${Math.round(plainPair.saturation!.rps)} req/s) | ${verdict(ratio >= 0.8)} |`);
    lines.push(`| mTLS adds ≤ 0.5 ms p99 at ${RATE} rps (sidecar pair) | ${ms(mtlsP99)} | ${verdict(mtlsP99 <= 0.5)} |`);
  }
  // Judged on the peak; the median and 90th percentile of the samples say where each spent the run.
  const through = (s: RssSpread | undefined) => (s ? `; median ${s.medianMb.toFixed(1)}, p90 ${s.p90Mb.toFixed(1)} through the run` : "");
  lines.push(`| ≤ 80 MB RSS per proxy | peak ${sidecars.map((s) => `${(s.memory?.peakMb ?? NaN).toFixed(1)} MB (${s.name}${through(s.spread)})`).join(", ")}${memory.haproxy ? `; HAProxy ${memory.haproxy.peakMb.toFixed(1)} MB` : ""}${memory.bare ? `; bare Node.js proxy ${memory.bare.peakMb.toFixed(1)} MB` : ""} | ${verdict(Math.max(...peaks) <= 80)} |`);
  if (tuned && memory.tunedClient) {
    lines.push(`| (not a target) the outbound proxy with --tune throughput | ${haproxyRow ? `${pairedRatio(tuned, haproxyRow).toFixed(2)}× HAProxy, ` : ""}peak ${memory.tunedClient.peakMb.toFixed(1)} MB | what the memory bound costs |`);
  }
  if (layers) lines.push(layerCostTarget(layers));
  return lines.join("\n");
}

try {
  await main();
} finally {
  direct?.terminate();
  resilient?.terminate();
  for (const child of children.reverse()) await child.stop();
  rmSync(work, { recursive: true, force: true });
}
