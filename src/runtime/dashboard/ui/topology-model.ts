// The topology as data: services as nodes, edges from live traffic (the callers' view, so requests the
// mesh refused count too) plus edges the policy denies outright, each classified by what the bundle
// says: mTLS strict or permissive at the destination, denied by its authorization. No DOM here.
import type { MeshIR, ServiceIR } from "../../../compiler/ir/schema.ts";
import type { ProxyStatus } from "../../control-plane/proxy-sessions.ts";
import type { EdgeTraffic } from "../../control-plane/traffic-store.ts";
import { refusalOf, serviceOfProxy } from "./authz.ts";

export type Health = "ok" | "degraded" | "failing" | "idle";

export interface TopologyNode {
  id: string;
  name: string;
  namespace: string;
  /** False for a name seen in traffic that the bundle does not declare. */
  declared: boolean;
  mtls?: ServiceIR["mtls"];
  versions: string[];
  proxies: { total: number; synced: number; stale: number; nacked: number };
  /** Requests into the service per second and their success rate, from its callers. */
  inRps: number;
  inSuccess?: number;
  health: Health;
}

export interface TopologyEdge {
  key: string;
  source: string;
  destination: string;
  rps: number;
  requests: number;
  successRate?: number;
  /** The highest p99 of the versions behind the edge: a bound, since quantiles do not add. */
  p99Ms?: number;
  /** Requests the mesh refused by policy (403 answered by the caller's proxy or the callee's). */
  denied: number;
  /** "denied": the destination's authorization refuses every request of the source. */
  policy: "allowed" | "denied";
  /** Why it is denied ("DENY rule", "not in ALLOW rules"), when it is. */
  deniedBy?: string;
  /** The destination's mTLS mode; undefined for a destination the bundle does not declare. */
  security?: ServiceIR["mtls"];
  /** Whether live traffic saw it (false: only the policy names it). */
  live: boolean;
  health: Health;
  versions: { version: string; rps: number; successRate?: number; p99Ms?: number }[];
}

export interface Topology {
  nodes: TopologyNode[];
  edges: TopologyEdge[];
}

export function healthOf(successRate: number | undefined, requests: number): Health {
  if (requests === 0 || successRate === undefined) return "idle";
  if (successRate >= 0.99) return "ok";
  return successRate >= 0.95 ? "degraded" : "failing";
}

function split(id: string): { name: string; namespace: string } {
  const slash = id.indexOf("/");
  return slash < 0 ? { name: id, namespace: "" } : { name: id.slice(slash + 1), namespace: id.slice(0, slash) };
}

export function buildTopology(ir: MeshIR | undefined, traffic: readonly EdgeTraffic[], proxies: readonly ProxyStatus[]): Topology {
  const services = new Map((ir?.services ?? []).map((s) => [s.id, s]));
  const edges = new Map<string, TopologyEdge>();
  for (const t of traffic) {
    const key = `${t.source}->${t.destination}`;
    let edge = edges.get(key);
    if (!edge) {
      edge = { key, source: t.source, destination: t.destination, rps: 0, requests: 0, denied: 0, policy: "allowed", live: true, health: "idle", versions: [] };
      edges.set(key, edge);
    }
    const succeeded = (edge.successRate ?? 0) * edge.requests + (t.successRate ?? 0) * t.requests;
    edge.requests += t.requests;
    edge.rps += t.rps;
    edge.successRate = edge.requests > 0 ? succeeded / edge.requests : undefined;
    if (t.p99Ms !== undefined) edge.p99Ms = Math.max(edge.p99Ms ?? 0, t.p99Ms);
    edge.denied += t.byCode["403"] ?? 0;
    edge.versions.push({ version: t.version, rps: t.rps, ...(t.successRate !== undefined && { successRate: t.successRate }), ...(t.p99Ms !== undefined && { p99Ms: t.p99Ms }) });
  }
  // Callers a service's DENY rules name outright: the policy edges worth drawing even without traffic.
  for (const service of services.values()) {
    for (const rule of service.authorization.deny) {
      if (rule.methods || rule.paths || !rule.from) continue;
      for (const caller of rule.from) {
        const key = `${caller}->${service.id}`;
        if (!edges.has(key) && services.has(caller)) {
          edges.set(key, { key, source: caller, destination: service.id, rps: 0, requests: 0, denied: 0, policy: "denied", live: false, health: "idle", versions: [] });
        }
      }
    }
  }
  for (const edge of edges.values()) {
    const destination = services.get(edge.destination);
    if (destination) {
      edge.security = destination.mtls;
      const refusal = refusalOf(destination, edge.source);
      if (refusal) { edge.policy = "denied"; edge.deniedBy = refusal; }
    }
    edge.versions.sort((a, b) => a.version.localeCompare(b.version));
    edge.health = healthOf(edge.successRate, edge.requests);
  }
  const ids = new Set([...services.keys(), ...[...edges.values()].flatMap((e) => [e.source, e.destination])]);
  const nodes = [...ids].sort().map((id): TopologyNode => {
    const service = services.get(id);
    const own = proxies.filter((p) => (ir ? serviceOfProxy(ir, p.service) : p.service) === id);
    const incoming = [...edges.values()].filter((e) => e.destination === id && e.live);
    const requests = incoming.reduce((a, e) => a + e.requests, 0);
    const succeeded = incoming.reduce((a, e) => a + (e.successRate ?? 0) * e.requests, 0);
    const inSuccess = requests > 0 ? succeeded / requests : undefined;
    return {
      id, ...(service ? { name: service.name, namespace: service.namespace } : split(id)), declared: service !== undefined,
      ...(service && { mtls: service.mtls }), versions: service?.versions.map((v) => v.name) ?? [],
      proxies: {
        total: own.length, synced: own.filter((p) => p.state === "SYNCED").length,
        stale: own.filter((p) => p.state === "STALE").length, nacked: own.filter((p) => p.state === "NACKED").length,
      },
      inRps: incoming.reduce((a, e) => a + e.rps, 0), ...(inSuccess !== undefined && { inSuccess }),
      health: own.some((p) => p.state === "NACKED") ? "degraded" : healthOf(inSuccess, requests),
    };
  });
  return { nodes, edges: [...edges.values()].sort((a, b) => a.key.localeCompare(b.key)) };
}
