// The one load generator of the proxy benchmark, autocannon, used two ways: at saturation (a fixed
// number of keep-alive connections sending as fast as answers come) for throughput, and at a fixed rate
// for latency. autocannon's own histogram keeps whole milliseconds, too coarse for "adds ≤ 1 ms", so
// the fixed-rate run records every response time itself (autocannon measures them with hrtime).
import autocannon from "autocannon";

export interface Target {
  url: string;
  /** The Host header: the service name for a sidecar's outbound listener. */
  host?: string;
}

export interface Saturation {
  rps: number;
  requests: number;
  errors: number;
  non2xx: number;
}

export interface Latency {
  rps: number;
  p50: number;
  p99: number;
  max: number;
  samples: number;
  errors: number;
  non2xx: number;
}

function run(options: autocannon.Options, onResponse?: (ms: number) => void): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    const instance = autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
    if (onResponse) instance.on("response", (_client, _status, _bytes, ms) => onResponse(ms));
  });
}

const headersOf = (target: Target) => (target.host ? { host: target.host } : {});

export async function saturate(target: Target, seconds: number, connections: number): Promise<Saturation> {
  // Warm the pools and the JIT first; only the measured run counts.
  await run({ url: target.url, headers: headersOf(target), connections, duration: Math.min(3, seconds) });
  const result = await run({ url: target.url, headers: headersOf(target), connections, duration: seconds });
  return { rps: result.requests.total / seconds, requests: result.requests.total, errors: result.errors + result.timeouts, non2xx: result.non2xx };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

export async function fixedRate(target: Target, rate: number, seconds: number, connections: number): Promise<Latency> {
  await run({ url: target.url, headers: headersOf(target), connections, overallRate: rate, duration: Math.min(3, seconds) });
  const samples: number[] = [];
  const result = await run({ url: target.url, headers: headersOf(target), connections, overallRate: rate, duration: seconds }, (ms) => samples.push(ms));
  samples.sort((a, b) => a - b);
  return {
    rps: result.requests.total / seconds, p50: percentile(samples, 50), p99: percentile(samples, 99), max: samples.at(-1) ?? NaN,
    samples: samples.length, errors: result.errors + result.timeouts, non2xx: result.non2xx,
  };
}
