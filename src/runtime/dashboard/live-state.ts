// What the dashboard shows live, computed once per tick for every open page: the bundle in force, every
// proxy's sync state, traffic per edge from both ends, and rollouts. Plain JSON; the page keeps nothing
// else that grows.
import type { HistoryEntry } from "../control-plane/bundle-store.ts";
import type { ProxyStatus } from "../control-plane/proxy-sessions.ts";
import type { Rollout } from "../control-plane/rollouts/rollout.ts";
import type { EdgeTraffic } from "../control-plane/traffic-store.ts";

/** The parts of the control plane the dashboard reads; ControlPlane satisfies it. */
export interface DashboardSource {
  readonly adminToken: string;
  status(): { bundle?: HistoryEntry; proxies: ProxyStatus[] };
  history(): readonly HistoryEntry[];
  readonly traffic: { edges(windowMs: number, reporter?: "source" | "destination", destination?: string, version?: string): EdgeTraffic[] };
  /** Rollouts, once the control plane runs them (issue 7); absent means the panel says so. */
  readonly rollouts?: { list(): Rollout[] };
  /** Workload certificates, from the control plane's CA (throws before it listens). */
  readonly identity?: { status(): { proxies: { proxyId: string; spiffeId?: string; certificate?: { notAfter: string } }[] } };
}

/** A proxy as the dashboard shows it: its sync state, and its workload certificate when it has one. */
export type DashboardProxy = ProxyStatus & { spiffeId?: string; certExpiresAt?: string };

/** A rollout as the page gets it: the newest gate checks only. */
export type RolloutSummary = Omit<Rollout, "checks"> & { checks: Rollout["checks"] };

export interface LiveState {
  /** Server time (ms since the epoch) the state was computed at. */
  at: number;
  bundle: HistoryEntry | null;
  /** Changes when the bundle history does: the page refetches the change list then. */
  history: { count: number; head: string | null };
  proxies: DashboardProxy[];
  traffic: {
    windowSeconds: number;
    /** Seen by the callers' outbound proxies: includes requests the mesh refused or could not route. */
    edges: EdgeTraffic[];
    /** Seen by the callees' inbound proxies: what each version served, all callers together (source "*"). */
    served: EdgeTraffic[];
  };
  /** null when this control plane does not run rollouts. */
  rollouts: RolloutSummary[] | null;
}

const CHECKS_SHOWN = 10;
const ROLLOUTS_SHOWN = 20;

/** Golden signals per destination version with every caller merged, so the quantiles are exact. */
function servedPerVersion(source: DashboardSource, windowMs: number): EdgeTraffic[] {
  const pairs = new Map<string, [string, string]>();
  for (const e of source.traffic.edges(windowMs, "destination")) pairs.set(`${e.destination}|${e.version}`, [e.destination, e.version]);
  return [...pairs.values()].flatMap(([destination, version]) => source.traffic.edges(windowMs, "destination", destination, version));
}

function withCertificates(source: DashboardSource, proxies: ProxyStatus[]): DashboardProxy[] {
  let identities: ReturnType<NonNullable<DashboardSource["identity"]>["status"]>["proxies"];
  try {
    identities = source.identity?.status().proxies ?? [];
  } catch {
    return proxies; // no CA yet
  }
  const byId = new Map(identities.map((i) => [i.proxyId, i]));
  return proxies.map((p) => {
    const identity = byId.get(p.id);
    return { ...p, ...(identity?.spiffeId && { spiffeId: identity.spiffeId }), ...(identity?.certificate && { certExpiresAt: identity.certificate.notAfter }) };
  });
}

export function liveState(source: DashboardSource, windowSeconds: number, now = Date.now()): LiveState {
  const status = source.status();
  const history = source.history();
  const windowMs = windowSeconds * 1000;
  return {
    at: now,
    bundle: status.bundle ?? null,
    history: { count: history.length, head: history.at(-1)?.version ?? null },
    proxies: withCertificates(source, status.proxies),
    traffic: { windowSeconds, edges: source.traffic.edges(windowMs, "source"), served: servedPerVersion(source, windowMs) },
    rollouts: source.rollouts
      ? source.rollouts.list().slice(0, ROLLOUTS_SHOWN).map((r) => ({ ...r, checks: r.checks.slice(-CHECKS_SHOWN) }))
      : null,
  };
}
