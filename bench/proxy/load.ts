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

/**
 * Calls `measure(index, duration)` for each of `count` targets until each has had exactly `seconds`, in slices
 * of `slice` seconds taken in turn, the order flipping each slice. This machine's speed drifts by tens of
 * percent within seconds (other tenants, the host's steal), so targets measured one after another for
 * 10 s each were compared across different machines; slices in turn see the same one, and ratios between
 * targets measured together are paired ones. Every benchmark here that compares proxies at saturation
 * takes its turns from this.
 */
export async function inTurn(count: number, seconds: number, slice: number, measure: (index: number, duration: number) => Promise<void>): Promise<void> {
  for (let elapsed = 0, n = 0; elapsed < seconds; elapsed += slice, n++) {
    const duration = Math.min(slice, seconds - elapsed);
    const order = [...Array(count).keys()];
    if (n % 2 === 1) order.reverse();
    for (const i of order) await measure(i, duration);
  }
}

/** One target at saturation for `seconds`: `connections` keep-alive connections sending as fast as answers come. */
export async function saturate(target: Target, seconds: number, connections: number): Promise<Saturation> {
  const result = await run({ url: target.url, headers: headersOf(target), connections, duration: seconds });
  const requests = result.requests.total;
  return { rps: requests / seconds, requests, errors: result.errors + result.timeouts, non2xx: result.non2xx };
}

/** Every target's throughput at saturation over the same seconds (inTurn), after an uncounted warm-up slice each. */
export async function saturateInTurn(targets: Target[], seconds: number, connections: number, slice = 2): Promise<Saturation[]> {
  for (const target of targets) await saturate(target, 1, connections);
  const totals = targets.map(() => ({ requests: 0, errors: 0, non2xx: 0 }));
  await inTurn(targets.length, seconds, slice, async (i, duration) => {
    const result = await saturate(targets[i]!, duration, connections);
    const total = totals[i]!;
    total.requests += result.requests; total.errors += result.errors; total.non2xx += result.non2xx;
  });
  return totals.map((t) => ({ rps: t.requests / seconds, requests: t.requests, errors: t.errors, non2xx: t.non2xx }));
}
