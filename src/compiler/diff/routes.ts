// The route table before → after: routes are matched by name; order matters (first match wins), so a
// route that moved relative to the others is a change even when nothing in it changed.
import type { RouteIR, ServiceIR } from "../ir/schema.ts";
import { formatDuration } from "../units.ts";
import { describeDestinations, describeFault, describeMatches, describeMirror, describeRetries, describeWorstCase } from "./describe.ts";
import { diffFault } from "./faults.ts";
import { diffMirror } from "./mirrors.ts";
import { firstCovering } from "./coverage.ts";
import type { Change, RouteRow } from "./report.ts";
import { diffResilience } from "./resilience.ts";
import { diffSplit } from "./splits.ts";

export interface RouteDiff {
  changes: Change[];
  rows: RouteRow[];
  added: number;
  removed: number;
  changed: number;
}

function row(route: RouteIR, index: number, status: RouteRow["status"]): RouteRow {
  const extras = [
    ...(route.fault ? [`fault: ${describeFault(route.fault)}`] : []),
    ...(route.mirror ? [`mirror: ${describeMirror(route.mirror)}`] : []),
  ];
  return {
    index, name: route.name, match: describeMatches(route), to: describeDestinations(route),
    timeout: route.timeoutMs === undefined ? "none" : formatDuration(route.timeoutMs),
    retries: describeRetries(route.retries), worstCase: describeWorstCase(route), extras, status,
  };
}

/** Changes inside one route that exists on both sides, one concern at a time. */
function diffRoute(before: RouteIR, after: RouteIR): Change[] {
  const match = describeMatches(before) === describeMatches(after) ? [] : [{
    kind: "match" as const, route: after.name, location: after.source,
    summary: `matches ${describeMatches(before)} → ${describeMatches(after)}`,
  }];
  return [...match, ...diffSplit(before, after), ...diffResilience(before, after), ...diffFault(before, after), ...diffMirror(before, after)];
}

export function diffRoutes(base: ServiceIR | undefined, head: ServiceIR | undefined): RouteDiff {
  const before = base?.routes ?? [], after = head?.routes ?? [];
  const beforeByName = new Map(before.map((r) => [r.name, r]));
  const afterNames = new Set(after.map((r) => r.name));
  // Relative order of the routes both sides have: a route whose rank among them changed has moved.
  const commonBefore = before.filter((r) => afterNames.has(r.name)).map((r) => r.name);
  const commonAfter = after.filter((r) => beforeByName.has(r.name)).map((r) => r.name);
  const result: RouteDiff = { changes: [], rows: [], added: 0, removed: 0, changed: 0 };
  const standalone = !base || !head; // a whole service added or removed: its routes are not listed as changes

  after.forEach((route, index) => {
    const old = beforeByName.get(route.name);
    if (!old) {
      result.added++;
      if (!standalone) result.changes.push({ kind: "route-added", route: route.name, location: route.source, summary: `new route ${route.name} at #${index + 1}: ${describeMatches(route)} → ${describeDestinations(route)}${takenFrom(before, route)}` });
      result.rows.push(row(route, index, "added"));
      return;
    }
    const changes = diffRoute(old, route);
    const moved = commonBefore.indexOf(route.name) !== commonAfter.indexOf(route.name);
    if (moved) changes.unshift({ kind: "route-moved", route: route.name, location: route.source, summary: `route ${route.name} moved #${before.indexOf(old) + 1} → #${index + 1}: it is now tried ${commonAfter.indexOf(route.name) < commonBefore.indexOf(route.name) ? "earlier" : "later"}` });
    if (changes.length > 0) result.changed++;
    result.changes.push(...changes);
    result.rows.push(row(route, index, moved && changes.length === 1 ? "moved" : changes.length > 0 ? "changed" : "unchanged"));
  });
  before.forEach((route, index) => {
    if (afterNames.has(route.name)) return;
    result.removed++;
    if (!standalone) result.changes.push({ kind: "route-removed", route: route.name, summary: `route ${route.name} (#${index + 1}: ${describeMatches(route)} → ${describeDestinations(route)}) removed: ${fallsTo(after, route)}` });
    result.rows.push(row(route, index, "removed"));
  });
  return result;
}

/** Which base route the new route's requests went to before (the first one that matched them all). */
function takenFrom(before: readonly RouteIR[], route: RouteIR): string {
  const was = firstCovering(before, route);
  return was ? `; these requests went to route ${was.name} (${describeDestinations(was)}) before` : "";
}

/** Where a removed route's requests go now. */
function fallsTo(after: readonly RouteIR[], route: RouteIR): string {
  const next = firstCovering(after, route);
  if (next) return `its requests now go to route ${next.name} (${describeDestinations(next)})`;
  return after.some((r) => r.matches.length === 0) ? "its requests now fall through to later routes" : "its requests may now match no route (404)";
}
