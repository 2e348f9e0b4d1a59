// Latency at a fixed request rate, open loop: request i is sent at start + i/rate whether or not earlier
// answers have come, as wrk2 does. autocannon's `overallRate` is not that: each connection sends as fast
// as answers come until it has used its share of the second, then waits for the next second
// (autocannon/lib/httpClient.js, reqsMadeThisSecond), so "1,000 rps" there is a burst at saturation at
// the start of every second, and its percentiles are those of a saturated proxy's queue.
//
// Node's timers fire at millisecond granularity, so at 1,000 rps a wake-up sends every request that is
// due (one or two). A request's latency runs from the moment it is handed to the client pool: a stalled
// path keeps receiving requests on schedule, and they wait in the pool's queue, which counts.
import { Pool } from "undici";
import { percentile } from "../support/stats.ts";
import { inTurn, type Target } from "./load.ts";

export interface Latency {
  /** Answers per second over the measured run (the rate, unless the path could not keep up). */
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  samples: number;
  errors: number;
  non2xx: number;
}

interface Run {
  samples: number[];
  errors: number;
  non2xx: number;
  elapsedMs: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function paced(pool: Pool, target: Target, rate: number, seconds: number, record: boolean): Promise<Run> {
  const { pathname, search } = new URL(target.url);
  const request = { method: "GET" as const, path: pathname + search, headers: target.host ? { host: target.host } : {} };
  const samples: number[] = [];
  let errors = 0;
  let non2xx = 0;
  const total = Math.round(rate * seconds);
  const interval = 1000 / rate;
  const started = performance.now();
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const wait = started + i * interval - performance.now();
    if (wait > 0) await sleep(wait);
    const sent = performance.now();
    inFlight.push(pool.request(request).then(async (response) => {
      await response.body.dump();
      if (response.statusCode < 200 || response.statusCode >= 300) non2xx++;
      else if (record) samples.push(performance.now() - sent);
    }, () => { errors++; }));
  }
  await Promise.all(inFlight);
  return { samples, errors, non2xx, elapsedMs: performance.now() - started };
}

function summarize(run: Run): Latency {
  const sorted = run.samples.sort((a, b) => a - b);
  return {
    rps: (sorted.length * 1000) / run.elapsedMs,
    p50: percentile(sorted, 50), p90: percentile(sorted, 90), p99: percentile(sorted, 99), p999: percentile(sorted, 99.9), max: sorted.at(-1) ?? NaN,
    samples: sorted.length, errors: run.errors, non2xx: run.non2xx,
  };
}

const poolFor = (target: Target, connections: number) => new Pool(new URL(target.url).origin, { connections, pipelining: 1 });

/** Latency at `rate` requests per second for `seconds`, after a warm-up at the same rate. */
export async function pacedLatency(target: Target, rate: number, seconds: number, connections: number): Promise<Latency> {
  const pool = poolFor(target, connections);
  try {
    await paced(pool, target, rate, Math.min(3, seconds), false);
    return summarize(await paced(pool, target, rate, seconds, true));
  } finally {
    await pool.close();
  }
}

/**
 * Every target's latency at `rate` over the same seconds: slices of `slice` seconds taken in turn
 * (load.ts's inTurn), each after an uncounted lead-in of `leadIn` seconds at the same rate, until each
 * target has had `seconds`; each target's percentiles are over all its slices. This machine has spells,
 * tens of seconds long, in which every process waits for a CPU (the host's other tenants): measured one
 * after another for 10 s each, one row could sit in such a spell while the next did not, and their
 * difference was the spell's. Taken in turn, every row sees the same share of them. The lead-in is
 * there because a row's processes have been idle while the others had their turns, and the first
 * requests after idle are the machine waking them, not the proxy at a steady rate.
 */
export async function pacedLatencyInTurn(targets: Target[], rate: number, seconds: number, connections: number, slice = 2, leadIn = 0.5): Promise<Latency[]> {
  const pools = targets.map((target) => poolFor(target, connections));
  try {
    for (const [i, target] of targets.entries()) await paced(pools[i]!, target, rate, Math.min(3, seconds), false);
    const runs: Run[] = targets.map(() => ({ samples: [], errors: 0, non2xx: 0, elapsedMs: 0 }));
    await inTurn(targets.length, seconds, slice, async (i, duration) => {
      await paced(pools[i]!, targets[i]!, rate, leadIn, false);
      const part = await paced(pools[i]!, targets[i]!, rate, duration, true);
      const run = runs[i]!;
      run.samples.push(...part.samples);
      run.errors += part.errors;
      run.non2xx += part.non2xx;
      run.elapsedMs += part.elapsedMs;
    });
    return runs.map(summarize);
  } finally {
    await Promise.all(pools.map((pool) => pool.close()));
  }
}
