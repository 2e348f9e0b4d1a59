// The sidecar pair with mTLS beside the same pair in plaintext, in one run (issue 5, acceptance 4):
// throughput at a fixed concurrency, and latency at a fixed 1,000 requests per second, app alone as the
// baseline. Each pair runs in its own process (mtls-pair.ts); this process only generates load.
// Rounds alternate between the two (and which goes first) so a busy machine hurts both alike; what mTLS
// adds at p99 is also given as the median of each round's paired difference, the steadier estimate.
// Each pair's CPU time per request over the saturating run (/proc) is given too: the pair's process is
// what saturates, so throughput follows it, and it moves far less than throughput with the machine's load.
//   node --import tsx bench/proxy/mtls.ts [--seconds 8] [--rounds 3] [--concurrency 16] [--rate 1000]
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { createInterface } from "node:readline";
import { Pool } from "undici";
import { cpuTimeOf } from "../support/processes.ts";
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

function startPair(plaintext: boolean): Promise<Pair> {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(here, "mtls-pair.ts"), ...(plaintext ? ["--plaintext"] : [])], { stdio: ["ignore", "pipe", "inherit"] });
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

/** Closed loop: `concurrency` requests always in flight for `seconds`; the pair's CPU per request meanwhile. */
async function throughput(pair: Pair): Promise<{ rps: number; errors: number; cpuUs: number }> {
  const pool = client(pair.outbound);
  const cpuBefore = cpuTimeOf(pair.child.pid!);
  let done = 0;
  let errors = 0;
  const until = Date.now() + seconds * 1000;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (Date.now() < until) {
      if (await send(pool).catch(() => false)) done++;
      else errors++;
    }
  }));
  const cpuUs = ((cpuTimeOf(pair.child.pid!) - cpuBefore) * 1000) / Math.max(done, 1);
  await pool.close();
  return { rps: done / seconds, errors, cpuUs };
}

/** Latency at a fixed rate, open loop (paced.ts), through the pair's outbound listener or to the app. */
function latency(port: number) {
  return pacedLatency({ url: `http://127.0.0.1:${port}/`, host: "frontend" }, rate, seconds, concurrency);
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const plain = await startPair(true);
const secure = await startPair(false);
try {
  // Warm both pairs (pools, TLS sessions, JIT).
  for (const pair of [plain, secure]) { const pool = client(pair.outbound); for (let i = 0; i < 500; i++) await send(pool); await pool.close(); }
  const figures = { plain: { rps: [] as number[], cpuUs: [] as number[], p50: [] as number[], p90: [] as number[], p99: [] as number[], errors: 0 }, secure: { rps: [] as number[], cpuUs: [] as number[], p50: [] as number[], p90: [] as number[], p99: [] as number[], errors: 0 }, app: { p50: [] as number[], p90: [] as number[], p99: [] as number[] } };
  const addedP99: number[] = [];
  for (let round = 1; round <= rounds; round++) {
    // The order alternates between rounds, so neither side always runs on a machine just warmed (or just
    // loaded) by the other; latency is taken before the saturating run, not in the GC debt it leaves.
    const order = round % 2 === 1 ? [["plain", plain], ["secure", secure]] as const : [["secure", secure], ["plain", plain]] as const;
    const p99s: Record<string, number> = {};
    for (const [name, pair] of order) {
      const l = await latency(pair.outbound);
      const t = await throughput(pair);
      p99s[name] = l.p99;
      const f = figures[name];
      f.rps.push(t.rps); f.cpuUs.push(t.cpuUs); f.p50.push(l.p50); f.p90.push(l.p90); f.p99.push(l.p99); f.errors += t.errors + l.errors + l.non2xx;
      process.stderr.write(`round ${round} ${name === "plain" ? "plaintext" : "mTLS     "}: ${t.rps.toFixed(0)} req/s at ${concurrency} in flight (${t.cpuUs.toFixed(0)} µs CPU per request); at ${rate} req/s p50 ${l.p50.toFixed(3)} p90 ${l.p90.toFixed(3)} p99 ${l.p99.toFixed(3)} ms\n`);
    }
    addedP99.push(p99s.secure! - p99s.plain!);
    const a = await latency(plain.app);
    figures.app.p50.push(a.p50); figures.app.p90.push(a.p90); figures.app.p99.push(a.p99);
  }
  const p = figures.plain;
  const s = figures.secure;
  const row = (name: string, f: { rps?: number[]; cpuUs?: number[]; p50: number[]; p90: number[]; p99: number[] }) =>
    `| ${name} | ${f.rps ? median(f.rps).toFixed(0) : "—"} | ${f.cpuUs ? median(f.cpuUs).toFixed(0) : "—"} | ${median(f.p50).toFixed(3)} | ${median(f.p90).toFixed(3)} | ${median(f.p99).toFixed(3)} |`;
  console.log(`Sidecar pair, plaintext vs mTLS (TLS 1.3, ECDSA P-256), 1 kB responses, medians of ${rounds} alternating rounds of ${seconds} s`);
  console.log(`(throughput at ${concurrency} requests in flight; latency at ${rate} req/s open loop)\n`);
  console.log("| path | req/s | pair's CPU per request (µs) | p50 ms | p90 ms | p99 ms |");
  console.log("|---|---|---|---|---|---|");
  console.log(row("app alone (baseline)", figures.app));
  console.log(row("sidecar pair, plaintext", p));
  console.log(row("sidecar pair, mTLS", s));
  console.log(`\nmTLS / plaintext throughput: ${(median(s.rps) / median(p.rps)).toFixed(2)}× (target ≥ 0.8×)`);
  // Throughput at saturation is the pair's process at full speed: the inverse of its CPU per request.
  const cpuRatios = p.cpuUs.map((plainUs, i) => plainUs / s.cpuUs[i]!);
  console.log(`plaintext / mTLS CPU per request: ${(median(p.cpuUs) / median(s.cpuUs)).toFixed(2)}× (the throughput that CPU allows; ` +
    `per round ${cpuRatios.map((r) => `${r.toFixed(2)}×`).join(", ")})`);
  console.log(`mTLS adds at p99 (target ≤ 0.5 ms): ${median(addedP99).toFixed(3)} ms, median of the rounds' paired differences ` +
    `(${addedP99.map((d) => `${d >= 0 ? "+" : ""}${d.toFixed(2)}`).join(", ")}); ${(median(s.p99) - median(p.p99)).toFixed(3)} ms between the medians of each side's p99s`);
  console.log(`failed requests: plaintext ${p.errors}, mTLS ${s.errors}`);
} finally {
  plain.child.kill("SIGTERM");
  secure.child.kill("SIGTERM");
}
