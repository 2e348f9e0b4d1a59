// Outlier detection state, per endpoint of each destination service, kept by the proxy across config
// swaps. `consecutive5xx` failures in a row eject an endpoint for baseEjectionTime × its ejection
// multiplier; the multiplier grows by one per ejection and shrinks by one for every `interval` the
// endpoint spent back in service since (Envoy's rule), and the ejection never lasts past 300 s or the
// base time, whichever is longer. An ejection that would leave more than maxEjectionPercent of the
// version's endpoints out (rounded down) does not happen. Ejected endpoints come back by themselves
// once their time is up, with a clean count.
import type { ServiceIR } from "../../compiler/ir/schema.ts";
import type { Endpoint } from "../protocol/messages.ts";

export type OutlierPolicy = NonNullable<ServiceIR["outlierDetection"]>;

const MAX_EJECTION_MS = 300_000;

interface EndpointHealth {
  consecutive: number;
  ejectedUntil: number;
  multiplier: number;
  /** When it last came back (or was first seen): where the multiplier's decay counts from. */
  backSince: number;
  readonly serviceId: string;
  /** Set when retain() drops it: an endpoint object that still finds it here must look again. */
  forgotten: boolean;
}

export interface Ejection {
  endpoint: string;
  forMs: number;
}

const keyOf = (endpoint: Pick<Endpoint, "host" | "port">) => `${endpoint.host}:${endpoint.port}`;

export class OutlierDetector {
  /** service id → endpoint "host:port" → health. */
  private readonly services = new Map<string, Map<string, EndpointHealth>>();
  /** service id → how many of its endpoints may be ejected right now (a fast path when none). */
  private readonly ejectedCount = new Map<string, number>();
  /**
   * The health found last for an endpoint object (the router's, kept for its life): every try is
   * recorded, and a hit costs no "host:port" string built and hashed per request.
   */
  private readonly found = new WeakMap<Pick<Endpoint, "host" | "port">, EndpointHealth>();

  constructor(private readonly now: () => number = Date.now) {}

  private health(serviceId: string, endpoint: Pick<Endpoint, "host" | "port">): EndpointHealth {
    const found = this.found.get(endpoint);
    if (found !== undefined && found.serviceId === serviceId && !found.forgotten) return found;
    let endpoints = this.services.get(serviceId);
    if (!endpoints) {
      endpoints = new Map();
      this.services.set(serviceId, endpoints);
    }
    const key = keyOf(endpoint);
    let health = endpoints.get(key);
    if (!health) {
      health = { consecutive: 0, ejectedUntil: 0, multiplier: 0, backSince: this.now(), serviceId, forgotten: false };
      endpoints.set(key, health);
    }
    this.found.set(endpoint, health);
    return health;
  }

  isEjected(serviceId: string, endpoint: Pick<Endpoint, "host" | "port">, now = this.now()): boolean {
    const health = this.services.get(serviceId)?.get(keyOf(endpoint));
    return health !== undefined && health.ejectedUntil > now;
  }

  /** The candidates that are not ejected; all of them if every one is (a 503 for all would help nobody). */
  healthy(serviceId: string, candidates: readonly Endpoint[]): readonly Endpoint[] {
    if (!this.ejectedCount.get(serviceId)) return candidates;
    const now = this.now();
    const healthy = candidates.filter((e) => !this.isEjected(serviceId, e, now));
    return healthy.length > 0 ? healthy : candidates;
  }

  /**
   * A try that went well: the endpoint's count of failures starts again. What most tries are, so it
   * reads the clock only for an endpoint that has been ejected.
   */
  succeeded(serviceId: string, endpoint: Endpoint): void {
    const health = this.health(serviceId, endpoint);
    if (health.ejectedUntil > 0) this.endEjection(serviceId, health, this.now());
    health.consecutive = 0;
  }

  /**
   * A try that failed; returns the ejection it caused, if any. `group` is the endpoint's version's
   * endpoints, which maxEjectionPercent counts.
   */
  failed(serviceId: string, endpoint: Endpoint, policy: OutlierPolicy, group: readonly Endpoint[]): Ejection | undefined {
    const now = this.now();
    const health = this.health(serviceId, endpoint);
    if (health.ejectedUntil > 0) this.endEjection(serviceId, health, now);
    if (health.ejectedUntil > now) return undefined; // a straggler from before the ejection
    if (++health.consecutive < policy.consecutive5xx) return undefined;
    const ejected = group.filter((e) => this.isEjected(serviceId, e, now)).length;
    if (ejected + 1 > Math.floor((group.length * policy.maxEjectionPercent) / 100)) return undefined;
    const decay = policy.intervalMs > 0 ? Math.floor((now - health.backSince) / policy.intervalMs) : 0;
    health.multiplier = Math.max(0, health.multiplier - decay) + 1;
    const forMs = Math.min(policy.baseEjectionTimeMs * health.multiplier, Math.max(MAX_EJECTION_MS, policy.baseEjectionTimeMs));
    health.ejectedUntil = now + forMs;
    health.consecutive = 0;
    this.ejectedCount.set(serviceId, (this.ejectedCount.get(serviceId) ?? 0) + 1);
    return { endpoint: keyOf(endpoint), forMs };
  }

  /** Brings an ejected endpoint back once its time is up. */
  private endEjection(serviceId: string, health: EndpointHealth, now: number): void {
    if (health.ejectedUntil <= now) this.comeBack(serviceId, health, now);
  }

  private comeBack(serviceId: string, health: EndpointHealth, now: number): void {
    health.ejectedUntil = 0;
    health.consecutive = 0;
    health.backSince = now;
    this.ejectedCount.set(serviceId, Math.max(0, (this.ejectedCount.get(serviceId) ?? 1) - 1));
  }

  /** Forgets endpoints no config names any more. */
  retain(endpointsByService: Record<string, readonly Endpoint[]>): void {
    for (const [serviceId, endpoints] of this.services) {
      const keep = new Set((endpointsByService[serviceId] ?? []).map(keyOf));
      for (const [key, health] of endpoints) {
        if (keep.has(key)) continue;
        if (health.ejectedUntil > 0) this.ejectedCount.set(serviceId, Math.max(0, (this.ejectedCount.get(serviceId) ?? 1) - 1));
        health.forgotten = true;
        endpoints.delete(key);
      }
    }
  }
}
