// The proxy benchmark's load generator at saturation, autocannon: a fixed number of keep-alive
// connections sending as fast as answers come. Latency at a fixed rate is paced.ts's open loop:
// autocannon's rate limit sends each second's share in a burst (see there).
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

function run(options: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

const headersOf = (target: Target) => (target.host ? { host: target.host } : {});

export async function saturate(target: Target, seconds: number, connections: number): Promise<Saturation> {
  // Warm the pools and the JIT first; only the measured run counts.
  await run({ url: target.url, headers: headersOf(target), connections, duration: Math.min(3, seconds) });
  const result = await run({ url: target.url, headers: headersOf(target), connections, duration: seconds });
  return { rps: result.requests.total / seconds, requests: result.requests.total, errors: result.errors + result.timeouts, non2xx: result.non2xx };
}
