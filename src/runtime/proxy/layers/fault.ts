// Fault injection, on the destination's side: DESIGN's inbound path is mTLS identity → authz → fault →
// app, so a denied request gets its 403 and never a fault, and faults are applied by the proxy of the
// service that declares them. The route is the one the caller's proxy chose (route-tag.ts); a request
// without the tag (a plaintext client in permissive mode) is matched here against the service's routes.
// Delay and abort are sampled independently, each for its percentage of the route's requests: a
// delayed request waits, then is aborted or goes on to the app.
//
// Because the fault happens behind the caller's proxy, the caller's policy sees it as the
// destination's behaviour: an injected delay counts against the route's timeout and per-try timeout,
// and an injected abort is retried if retryOn covers its status (each try is sampled anew). That is
// what injecting faults is for: testing that the callers' timeouts and retries hold. Outlier
// detection alone ignores injected aborts (reason fault-abort): the endpoint is healthy.
import type { IncomingMessage } from "node:http";
import type { RouteIR, ServiceIR } from "../../../compiler/ir/schema.ts";
import { selectRoute, splitTarget } from "../../../compiler/simulate/match-request.ts";
import { sleep, type CancelSignal } from "./cancellation.ts";
import { ROUTE_HEADER } from "./route-tag.ts";

export type FaultVerdict = { kind: "pass" } | { kind: "abort"; status: number; route: string } | { kind: "cancelled" };

export interface FaultEvents {
  injected(service: string, route: string, fault: "delay" | "abort"): void;
}

interface FaultTable {
  byName: Map<string, RouteIR>;
}

// Views are immutable, one per applied config: the table is built once per view's service object.
const tables = new WeakMap<ServiceIR, FaultTable | null>();

function tableOf(service: ServiceIR): FaultTable | null {
  let table = tables.get(service);
  if (table === undefined) {
    const byName = new Map<string, RouteIR>();
    for (const route of service.routes) if (!byName.has(route.name)) byName.set(route.name, route);
    table = service.routes.some((r) => r.fault) ? { byName } : null;
    tables.set(service, table);
  }
  return table;
}

function routeOf(service: ServiceIR, table: FaultTable, req: IncomingMessage): RouteIR | undefined {
  const tagged = req.headers[ROUTE_HEADER];
  if (typeof tagged === "string") return table.byName.get(tagged);
  const { path, query } = splitTarget(req.url ?? "/");
  return selectRoute(service.routes, { method: req.method ?? "GET", path, query, headers: req.headers as Record<string, string> })?.route;
}

/**
 * The fault for this request: undefined at once when its route declares none (the common case costs
 * one lookup), else a verdict once any delay is over.
 */
export function injectFault(
  service: ServiceIR | undefined, req: IncomingMessage, signal: CancelSignal, events: FaultEvents, random: () => number = Math.random,
): Promise<FaultVerdict> | undefined {
  const table = service && tableOf(service);
  if (!table) return undefined;
  const route = routeOf(service, table, req);
  const fault = route?.fault;
  if (!route || !fault) return undefined;
  const delay = fault.delay && random() * 100 < fault.delay.percent ? fault.delay.fixedMs : 0;
  const abort = fault.abort && random() * 100 < fault.abort.percent ? fault.abort.status : 0;
  if (!delay && !abort) return undefined;
  return (async (): Promise<FaultVerdict> => {
    if (delay) {
      events.injected(service.id, route.name, "delay");
      if (!(await sleep(delay, signal))) return { kind: "cancelled" };
    }
    if (!abort) return { kind: "pass" };
    events.injected(service.id, route.name, "abort");
    return { kind: "abort", status: abort, route: route.name };
  })();
}
