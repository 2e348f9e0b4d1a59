// Keep-alive connection pools to upstream endpoints (undici), shared across config swaps: a new router
// reuses the pools of endpoints it still names, so a config change does not drop warm connections.
// An endpoint with an identity is reached over mTLS (identity/peer-tls.ts) once this proxy holds a
// certificate; its pool is keyed by that identity too.
import { Pool, type buildConnector } from "undici";
import type { Endpoint } from "../protocol/messages.ts";

export interface UpstreamPool {
  pool: Pool;
  /** Requests in flight: what least-request balancing compares. */
  inFlight: number;
  security: "mutual_tls" | "none";
}

/** What mTLS to peers needs from the proxy's identity. */
export interface UpstreamTls {
  available(): boolean;
  connectorFor(expectedIdentity: string): buildConnector.connector;
}

type PoolKey = Pick<Endpoint, "host" | "port" | "identity">;

export class Upstreams {
  private readonly pools = new Map<string, UpstreamPool>();
  /**
   * The pool found last for an endpoint object (the router's, kept for its life), with the key and
   * identity it was found under: a hit costs no key string built and hashed per request. Checked
   * against the map, since a pool may have been retired (recycleSecure, retain) or the endpoint become
   * reachable over mTLS since.
   */
  private readonly found = new WeakMap<PoolKey, { key: string; identity: string | undefined; entry: UpstreamPool }>();

  constructor(private readonly connectionsPerOrigin = 64, private readonly tls?: UpstreamTls) {}

  static origin(endpoint: Pick<Endpoint, "host" | "port">): string {
    return `http://${endpoint.host}:${endpoint.port}`;
  }

  private secure(endpoint: PoolKey): string | undefined {
    return endpoint.identity !== undefined && this.tls?.available() ? endpoint.identity : undefined;
  }

  private key(endpoint: PoolKey, identity = this.secure(endpoint)): string {
    return identity ? `https://${endpoint.host}:${endpoint.port}#${identity}` : Upstreams.origin(endpoint);
  }

  get(endpoint: PoolKey): UpstreamPool {
    const identity = this.secure(endpoint);
    const found = this.found.get(endpoint);
    if (found && found.identity === identity && this.pools.get(found.key) === found.entry) return found.entry;
    const key = this.key(endpoint, identity);
    let entry = this.pools.get(key);
    if (!entry) {
      const origin = identity ? `https://${endpoint.host}:${endpoint.port}` : Upstreams.origin(endpoint);
      entry = {
        pool: new Pool(origin, {
          ...(identity && { connect: this.tls!.connectorFor(identity) }),
          connections: this.connectionsPerOrigin,
          pipelining: 1,
          keepAliveTimeout: 30_000,
          connectTimeout: 2_000,
          // Timeouts are the route's business (a later layer); pools must not cut streams on their own.
          headersTimeout: 0,
          bodyTimeout: 0,
        }),
        inFlight: 0,
        security: identity ? "mutual_tls" : "none",
      };
      this.pools.set(key, entry);
    }
    this.found.set(endpoint, { key, identity, entry });
    return entry;
  }

  /**
   * Retires every mTLS pool after a new certificate or trust bundle: requests in flight finish on the
   * old connections, new requests open connections that present and check the new material.
   */
  recycleSecure(): void {
    for (const [key, entry] of this.pools) {
      if (entry.security !== "mutual_tls") continue;
      this.pools.delete(key);
      entry.pool.close().catch(() => {});
    }
  }

  /** Closes pools of endpoints no config names any more. */
  retain(endpoints: Iterable<PoolKey>): void {
    const keep = new Set([...endpoints].map((e) => this.key(e)));
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
