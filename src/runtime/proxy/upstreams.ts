// Keep-alive connection pools to upstream endpoints (undici), shared across config swaps: a new router
// reuses the pools of endpoints it still names, so a config change does not drop warm connections.
import { Pool } from "undici";
import type { Endpoint } from "../protocol/messages.ts";

export interface UpstreamPool {
  pool: Pool;
  /** Requests in flight: what least-request balancing compares. */
  inFlight: number;
}

export class Upstreams {
  private readonly pools = new Map<string, UpstreamPool>();

  constructor(private readonly connectionsPerOrigin = 64) {}

  static origin(endpoint: Pick<Endpoint, "host" | "port">): string {
    return `http://${endpoint.host}:${endpoint.port}`;
  }

  get(endpoint: Pick<Endpoint, "host" | "port">): UpstreamPool {
    const origin = Upstreams.origin(endpoint);
    let entry = this.pools.get(origin);
    if (!entry) {
      entry = {
        pool: new Pool(origin, {
          connections: this.connectionsPerOrigin,
          pipelining: 1,
          keepAliveTimeout: 30_000,
          connectTimeout: 2_000,
          // Timeouts are the route's business (a later layer); pools must not cut streams on their own.
          headersTimeout: 0,
          bodyTimeout: 0,
        }),
        inFlight: 0,
      };
      this.pools.set(origin, entry);
    }
    return entry;
  }

  /** Closes pools of endpoints no config names any more. */
  retain(endpoints: Iterable<Pick<Endpoint, "host" | "port">>): void {
    const keep = new Set([...endpoints].map(Upstreams.origin));
    for (const [origin, entry] of this.pools) {
      if (keep.has(origin)) continue;
      this.pools.delete(origin);
      // Requests in flight on the old endpoint finish first.
      entry.pool.close().catch(() => {});
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.pools.values()].map((e) => e.pool.destroy().catch(() => {})));
    this.pools.clear();
  }
}
