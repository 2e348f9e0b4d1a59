// The sidecar pair with mTLS beside the same pair in plaintext, in one run (issue 5, acceptance 4):
// throughput at a fixed concurrency, and latency at a fixed 1,000 requests per second, app alone as the
// baseline. Each pair runs in its own process (mtls-pair.ts); this process only generates load.
// Latency is measured one pair after another, in an order that alternates between rounds; what mTLS adds
// at p99 is also given as the median of each round's paired difference, the steadier estimate. Throughput
// is measured over the same seconds for every pair, in one-second slices taken in turn, so each round's
// mTLS / plaintext ratio is a paired one.
// Each pair's CPU time per request over the saturating run (/proc) is given too: the pair's process is
// what saturates, so throughput follows it, and it moves far less than throughput with the machine's load.
// --floor adds the same pair built of bare Node.js proxies (bare-pair.ts) in both modes, in the same rounds:
// what mTLS costs a Node.js proxy pair before typemesh does anything.
//   node --import tsx bench/proxy/mtls.ts [--seconds 8] [--rounds 3] [--concurrency 16] [--rate 1000] [--floor]
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { createInterface } from "node:readline";
import { Pool } from "undici";
import { cpuTimeOf } from "../support/processes.ts";
import { median } from "../support/stats.ts";
import { inTurn } from "./load.ts";
import { pacedLatency } from "./paced.ts";

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const seconds = arg("seconds", 8);
const rounds = arg("rounds", 3);
const concurrency = arg("concurrency", 16);
const rate = arg("rate", 1000);
const here = path.dirname(new URL(import.meta.url).pathname);

interface Pair { child: ChildProcess; outbound: number; app: number }

function startPair(plaintext: boolean, script = "mtls-pair.ts"): Promise<Pair> {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(here, script), ...(plaintext ? ["--plaintext"] : [])], { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout! }).once("line", (line) => {
      const ready = JSON.parse(line) as { outbound: number; app: number };
      resolve({ child, ...ready });
    });
    child.once("exit", (code) => reject(new Error(`pair exited with ${code}`)));
  });
}

function client(port: number): Pool {
  return new Pool(`http://127.0.0.1:${port}`, { connections: concurrency, pipelining: 1 });
}

async function send(pool: Pool): Promise<boolean> {
  const response = await pool.request({ method: "GET", path: "/", headers: { host: "frontend" } });
  await response.body.dump();
  return response.statusCode === 200;
}

/** Closed loop: `concurrency` requests always in flight for `seconds`; the pair's CPU time (ms) meanwhile. */
async function closedLoop(pool: Pool, pid: number, seconds: number): Promise<{ done: number; errors: number; cpuMs: number }> {
  const cpuBefore = cpuTimeOf(pid);
  let done = 0;
  let errors = 0;
  const until = Date.now() + seconds * 1000;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (Date.now() < until) {
      if (await send(pool).catch(() => false)) done++;
      else errors++;
    }
  }));
  return { done, errors, cpuMs: cpuTimeOf(pid) - cpuBefore };
}

/** Every pair's throughput at saturation over the same seconds, in one-second slices taken in turn (load.ts's inTurn). */
async function throughput(pairs: Pair[]): Promise<{ rps: number; errors: number; cpuUs: number }[]> {
  const pools = pairs.map((pair) => client(pair.outbound));
  const totals = pairs.map(() => ({ done: 0, errors: 0, cpuMs: 0 }));
  await inTurn(pairs.length, seconds, 1, async (i, duration) => {
    const r = await closedLoop(pools[i]!, pairs[i]!.child.pid!, duration);
    totals[i]!.done += r.done; totals[i]!.errors += r.errors; totals[i]!.cpuMs += r.cpuMs;
  });
  await Promise.all(pools.map((pool) => pool.close()));
  return totals.map((t) => ({ rps: t.done / seconds, errors: t.errors, cpuUs: (t.cpuMs * 1000) / Math.max(t.done, 1) }));
}

/** Latency at a fixed rate, open loop (paced.ts), through the pair's outbound listener or to the app. */
function latency(port: number) {
  return pacedLatency({ url: `http://127.0.0.1:${port}/`, host: "frontend" }, rate, seconds, concurrency);
}


const floor = process.argv.includes("--floor");
interface Side { name: string; label: string; pair: Pair; rps: number[]; cpuUs: number[]; p50: number[]; p90: number[]; p99: number[]; errors: number }
const side = (name: string, label: string, pair: Pair): Side => ({ name, label, pair, rps: [], cpuUs: [], p50: [], p90: [], p99: [], errors: 0 });
const sides: Side[] = [side("plain", "sidecar pair, plaintext", await startPair(true)), side("secure", "sidecar pair, mTLS", await startPair(false))];
if (floor) sides.push(side("bare plain", "bare Node.js pair, plaintext (floor)", await startPair(true, "bare-pair.ts")), side("bare secure", "bare Node.js pair, mTLS (floor)", await startPair(false, "bare-pair.ts")));
const [plain, secure] = sides as [Side, Side];
try {
  // Warm every pair (pools, TLS sessions, JIT).
  for (const { pair } of sides) { const pool = client(pair.outbound); for (let i = 0; i < 500; i++) await send(pool); await pool.close(); }
  const app = { p50: [] as number[], p90: [] as number[], p99: [] as number[] };
  const addedP99: number[] = [];
  for (let round = 1; round <= rounds; round++) {
    // Latency first, one side after another (the order alternates between rounds, so no side always runs
    // on a machine just warmed or loaded by another), before the saturating run and the GC debt it leaves;
    // then every side's throughput over the same seconds, in slices taken in turn.
    const order = round % 2 === 1 ? sides : [...sides].reverse();
    for (const s of order) {
      const l = await latency(s.pair.outbound);
      s.p50.push(l.p50); s.p90.push(l.p90); s.p99.push(l.p99); s.errors += l.errors + l.non2xx;
      process.stderr.write(`round ${round} ${s.label}: at ${rate} req/s p50 ${l.p50.toFixed(3)} p90 ${l.p90.toFixed(3)} p99 ${l.p99.toFixed(3)} ms\n`);
    }
    const saturated = await throughput(sides.map((s) => s.pair));
    sides.forEach((s, i) => {
      const t = saturated[i]!;
      s.rps.push(t.rps); s.cpuUs.push(t.cpuUs); s.errors += t.errors;
      process.stderr.write(`round ${round} ${s.label}: ${t.rps.toFixed(0)} req/s at ${concurrency} in flight (${t.cpuUs.toFixed(0)} µs CPU per request)\n`);
    });
    addedP99.push(secure.p99.at(-1)! - plain.p99.at(-1)!);
    const a = await latency(plain.pair.app);
    app.p50.push(a.p50); app.p90.push(a.p90); app.p99.push(a.p99);
  }
  const row = (name: string, f: { rps?: number[]; cpuUs?: number[]; p50: number[]; p90: number[]; p99: number[] }) =>
    `| ${name} | ${f.rps ? median(f.rps).toFixed(0) : "—"} | ${f.cpuUs ? median(f.cpuUs).toFixed(0) : "—"} | ${median(f.p50).toFixed(3)} | ${median(f.p90).toFixed(3)} | ${median(f.p99).toFixed(3)} |`;
  console.log(`Sidecar pair, plaintext vs mTLS (TLS 1.3, ECDSA P-256), 1 kB responses, medians of ${rounds} alternating rounds of ${seconds} s`);
  console.log(`(throughput at ${concurrency} requests in flight; latency at ${rate} req/s open loop)\n`);
  console.log("| path | req/s | pair's CPU per request (µs) | p50 ms | p90 ms | p99 ms |");
  console.log("|---|---|---|---|---|---|");
  console.log(row("app alone (baseline)", app));
  for (const s of sides) console.log(row(s.label, s));
  // Throughput at saturation is the pair's process at full speed: the inverse of its CPU per request.
  const ratios = (p: Side, s: Side, what: string) => {
    // Each round's sides shared the same seconds (slices in turn), so a round's ratio is a paired one.
    const rpsRatios = p.rps.map((plainRps, i) => s.rps[i]! / plainRps);
    const cpuRatios = p.cpuUs.map((plainUs, i) => plainUs / s.cpuUs[i]!);
    console.log(`${what}: mTLS / plaintext throughput ${median(rpsRatios).toFixed(2)}× (median of the rounds' paired ratios ` +
      `${rpsRatios.map((r) => `${r.toFixed(2)}×`).join(", ")}; ${(median(s.rps) / median(p.rps)).toFixed(2)}× between the medians); ` +
      `plaintext / mTLS CPU per request ${median(cpuRatios).toFixed(2)}× (per round ${cpuRatios.map((r) => `${r.toFixed(2)}×`).join(", ")}); ` +
      `mTLS adds ${(median(s.cpuUs) - median(p.cpuUs)).toFixed(0)} µs CPU per request`);
  };
  console.log("");
  ratios(plain, secure, "typemesh (target ≥ 0.8×)");
  if (floor) ratios(sides[2]!, sides[3]!, "bare Node.js floor");
  console.log(`mTLS adds at p99 (target ≤ 0.5 ms): ${median(addedP99).toFixed(3)} ms, median of the rounds' paired differences ` +
    `(${addedP99.map((d) => `${d >= 0 ? "+" : ""}${d.toFixed(2)}`).join(", ")}); ${(median(secure.p99) - median(plain.p99)).toFixed(3)} ms between the medians of each side's p99s`);
  console.log(`failed requests: ${sides.map((s) => `${s.label} ${s.errors}`).join(", ")}`);
} finally {
  for (const { pair } of sides) pair.child.kill("SIGTERM");
}
