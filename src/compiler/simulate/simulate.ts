// simulate: the reference semantics of a MeshIR. Given one request it says what the mesh does with it:
// which route matches, where it goes, what bounds and changes it, and whether it is allowed. The
// proxies are tested against these answers, case by case (test/simulate/cases.json).
import type { FaultIR, MeshIR, MirrorIR, RetryIR, RouteIR, ServiceIR } from "../ir/schema.ts";
import { authorize, type AuthzDecision } from "./authorize.ts";
import { pickWeighted, selectRoute, splitTarget } from "./match-request.ts";

export interface SimulatedRequest {
  /** Calling service ("namespace/name", "name", or "name.namespace"); absent for a plaintext client outside the mesh. */
  from?: string;
  /** Destination service, in the same forms. */
  to: string;
  method?: string;
  /** Path, optionally with a query string. */
  path?: string;
  headers?: Readonly<Record<string, string>>;
  /** A number in [0, 100) that picks the split's destination deterministically. */
  sample?: number;
}

export interface SimulatedOutcome {
  /** The destination service's id, when it exists. */
  service?: string;
  /**
   * What the caller gets before the application answers: 404 unknown service or no matching route,
   * 403 denied; undefined when the request reaches the application (faults may still apply).
   */
  status?: number;
  /** Why the request did not reach the application. */
  error?: "unknown-service" | "unknown-caller" | "no-route" | "denied" | "mtls-required";
  route?: { name: string; index: number; source: RouteIR["source"] };
  /** The split: versions with weights summing to 100. */
  destinations: { version: string; weight: number }[];
  /** The chosen version: the only destination, or the one `sample` picked. */
  version?: string;
  timeoutMs?: number;
  retries?: RetryIR;
  fault?: FaultIR;
  mirror?: MirrorIR;
  requestHeaders?: RouteIR["requestHeaders"];
  responseHeaders?: RouteIR["responseHeaders"];
  authorization?: AuthzDecision;
}

export function findService(ir: MeshIR, name: string): ServiceIR | undefined {
  const byId = ir.services.find((s) => s.id === name);
  if (byId) return byId;
  const [short, namespace] = name.split(".");
  const candidates = ir.services.filter((s) => s.name === short && (namespace === undefined || s.namespace === namespace));
  return candidates.length === 1 ? candidates[0] : undefined;
}

function lowerCaseHeaders(headers: Readonly<Record<string, string>> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
}

/** With no routes, a service balances over all its versions' endpoints; weights here are per version. */
function everyVersion(service: ServiceIR): { version: string; weight: number }[] {
  const share = Math.round((100 / service.versions.length) * 1000) / 1000;
  return service.versions.map((v) => ({ version: v.name, weight: share }));
}

export function simulate(ir: MeshIR, request: SimulatedRequest): SimulatedOutcome {
  const service = findService(ir, request.to);
  if (!service) return { status: 404, error: "unknown-service", destinations: [] };
  const caller = request.from === undefined ? undefined : findService(ir, request.from);
  if (request.from !== undefined && !caller) return { service: service.id, status: 403, error: "unknown-caller", destinations: [] };

  const method = (request.method ?? "GET").toUpperCase();
  const { path, query } = splitTarget(request.path ?? "/");
  const authorization = authorize(service, { ...(caller && { service: caller.id }) }, method, path);
  const denied = authorization.decision === "deny";
  const denial = denied
    ? { status: authorization.reason === "mtls-required" ? undefined : 403, error: authorization.reason === "mtls-required" ? "mtls-required" as const : "denied" as const }
    : undefined;

  if (service.routes.length === 0) {
    const destinations = everyVersion(service);
    const version = destinations.length === 1 ? destinations[0]!.version
      : request.sample === undefined ? undefined : pickWeighted(destinations, request.sample)?.version;
    return { service: service.id, ...denial, destinations, ...(version && { version }), authorization };
  }
  const selected = selectRoute(service.routes, { method, path, query, headers: lowerCaseHeaders(request.headers) });
  if (!selected) {
    return { service: service.id, ...(denial ?? { status: 404, error: "no-route" as const }), destinations: [], authorization };
  }
  const { route, index } = selected;
  const single = route.destinations.length === 1 ? route.destinations[0]!.version : undefined;
  const version = single ?? (request.sample === undefined ? undefined : pickWeighted(route.destinations, request.sample)?.version);
  return {
    service: service.id,
    ...denial,
    route: { name: route.name, index, source: route.source },
    destinations: route.destinations,
    ...(version && { version }),
    ...(route.timeoutMs !== undefined && { timeoutMs: route.timeoutMs }),
    ...(route.retries && { retries: route.retries }),
    ...(route.fault && { fault: route.fault }),
    ...(route.mirror && { mirror: route.mirror }),
    ...(route.requestHeaders && { requestHeaders: route.requestHeaders }),
    ...(route.responseHeaders && { responseHeaders: route.responseHeaders }),
    authorization,
  };
}
