// Circuit breaking (connection limits) and outlier detection before → after: too tight rejects
// healthy load with 503s, too loose lets one bad endpoint take its callers down.
import type { ServiceIR } from "../ir/schema.ts";
import { formatDuration } from "../units.ts";
import type { Change } from "./report.ts";

function limits(s: ServiceIR | undefined): string {
  const l = s?.connectionLimits;
  if (!l) return "none";
  return [
    l.maxConnections !== undefined && `max ${l.maxConnections} connections`,
    l.maxPendingRequests !== undefined && `${l.maxPendingRequests} pending`,
    l.maxRequests !== undefined && `${l.maxRequests} requests`,
  ].filter(Boolean).join(", ") || "none";
}

function outlier(s: ServiceIR | undefined): string {
  const o = s?.outlierDetection;
  if (!o) return "none";
  return `eject after ${o.consecutive5xx} consecutive 5xx (every ${formatDuration(o.intervalMs)}) for ${formatDuration(o.baseEjectionTimeMs)}, at most ${o.maxEjectionPercent}% of endpoints`;
}

export function diffBreakers(base: ServiceIR, head: ServiceIR): Change[] {
  const changes: Change[] = [];
  if (limits(base) !== limits(head)) changes.push({ kind: "connection-limits", location: head.source, summary: `connection limits ${limits(base)} → ${limits(head)}` });
  if (outlier(base) !== outlier(head)) changes.push({ kind: "outlier-detection", location: head.source, summary: `outlier detection ${outlier(base)} → ${outlier(head)}` });
  return changes;
}
