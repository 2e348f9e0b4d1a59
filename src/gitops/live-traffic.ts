// Live figures for the blast radius, read from the control plane's admin API: request rates per edge
// (GET /api/traffic) and registered endpoints (GET /api/status). Unreachable is a note in the report,
// never a failed plan: CI often cannot reach the control plane.
import type { BlastRadiusEntry, Risk } from "../compiler/diff/report.ts";
import { weightShift } from "../compiler/diff/splits.ts";
import type { MeshIR } from "../compiler/ir/schema.ts";

export interface LiveFigures {
  edges: { source: string; destination: string; version: string; rps: number }[];
  endpoints: { service: string; version: string }[];
}

export async function fetchLive(url: string, token: string | undefined, timeoutMs = 3000): Promise<LiveFigures> {
  const get = async <T>(pathname: string): Promise<T> => {
    const response = await fetch(new URL(pathname, url), { headers: token ? { authorization: `Bearer ${token}` } : {}, signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) throw new Error(`${pathname} answered ${response.status}${response.status === 401 ? " (missing or wrong admin token)" : ""}`);
    return await response.json() as T;
  };
  const traffic = await get<{ edges: LiveFigures["edges"] }>("/api/traffic?window=60&reporter=source");
  const status = await get<{ proxies: { service: string; version: string }[] }>("/api/status");
  return { edges: traffic.edges, endpoints: status.proxies.map((p) => ({ service: p.service, version: p.version })) };
}

const rps = (n: number) => (n >= 100 ? Math.round(n).toLocaleString("en-US") : n.toFixed(1).replace(/\.0$/, ""));

/** Adds rates per caller and, for split changes, how much live traffic moves to which version. */
export function withLiveRates(entries: BlastRadiusEntry[], base: MeshIR, head: MeshIR, live: LiveFigures): BlastRadiusEntry[] {
  return entries.map((entry) => {
    const into = live.edges.filter((e) => e.destination === entry.service);
    const byCaller = new Map<string, number>();
    for (const e of into) byCaller.set(e.source, (byCaller.get(e.source) ?? 0) + e.rps);
    const totalRps = [...byCaller.values()].reduce((a, b) => a + b, 0);
    const before = base.services.find((s) => s.id === entry.service), after = head.services.find((s) => s.id === entry.service);
    const shifts: string[] = [];
    for (const route of after?.routes ?? []) {
      const old = before?.routes.find((r) => r.name === route.name);
      if (!old) continue;
      // Rates are per service and version, not per route: with several routes this is an upper bound.
      const bound = (after?.routes.length ?? 0) > 1 ? "up to " : "";
      for (const [version, delta] of weightShift(old, route)) {
        if (delta > 0) shifts.push(`route ${route.name} shifts ${bound}~${rps((totalRps * delta) / 100)} rps of ${rps(totalRps)} to ${version}`);
      }
    }
    const edges = [...byCaller].map(([caller, r]) => ({ caller, rps: Math.round(r * 10) / 10 })).sort((a, b) => b.rps - a.rps || a.caller.localeCompare(b.caller));
    return { ...entry, live: { totalRps: Math.round(totalRps * 10) / 10, edges, shifts } };
  });
}

/** Destinations head newly sends traffic to that have no registered endpoint. */
export function endpointRisks(base: MeshIR, head: MeshIR, live: LiveFigures): Risk[] {
  const present = new Set(live.endpoints.map((e) => `${e.service}|${e.version}`));
  const risks: Risk[] = [];
  for (const service of head.services) {
    const old = base.services.find((s) => s.id === service.id);
    for (const route of service.routes) {
      const was = old?.routes.find((r) => r.name === route.name);
      for (const d of route.destinations) {
        const before = was?.destinations.find((x) => x.version === d.version)?.weight ?? 0;
        if (d.weight <= before || present.has(`${service.id}|${d.version}`)) continue;
        risks.push({ code: "no-endpoints", service: service.id, route: route.name, location: route.source, message: `route ${route.name} of ${service.id} sends ${d.weight}% to ${d.version}, which has no registered endpoints: those requests fail with 503` });
      }
    }
  }
  return risks;
}
