// The router: one immutable object built from one config view. Applying a config builds a new router
// and swaps it in; a request holds the router it started with, so in-flight requests finish on their
// config. Building validates the view: a view this proxy cannot apply throws, and the proxy NACKs it.
import type { MeshIR, RouteIR, ServiceIR } from "../../compiler/ir/schema.ts";
import { validateMeshIR } from "../../compiler/ir/validate.ts";
import { selectRoute, type RequestFacts } from "../../compiler/simulate/match-request.ts";
import type { Endpoint, ProxyView } from "../protocol/messages.ts";
import type { Handler } from "./layers/types.ts";
import { routeStack, type StackDeps } from "./stack.ts";

export interface SelectedRoute {
  route: RouteIR;
  stack: Handler;
}

export interface ServiceEntry {
  service: ServiceIR;
  routes: RouteIR[];
  /** Per route (same order), the route with its stack: what select answers, made once. */
  selections: SelectedRoute[];
}

export type Resolution = { kind: "service"; entry: ServiceEntry } | { kind: "denied"; id: string } | { kind: "unknown" };

export interface Router {
  readonly version: string;
  readonly view: ProxyView;
  resolve(host: string): Resolution;
  select(entry: ServiceEntry, facts: RequestFacts): SelectedRoute | undefined;
  endpoints(): Endpoint[];
}

export class InvalidView extends Error {}

/** Services without routes balance over every version, as simulate describes. */
function effectiveRoutes(service: ServiceIR): RouteIR[] {
  if (service.routes.length > 0) return service.routes;
  const share = Math.round((100 / service.versions.length) * 1000) / 1000;
  return [{ name: "default", matches: [], destinations: service.versions.map((v) => ({ version: v.name, weight: share })), source: service.source }];
}

function hostnames(service: ServiceIR): string[] {
  const { name, namespace } = service;
  return [`${name}.${namespace}`, `${name}.${namespace}.svc`, `${name}.${namespace}.svc.cluster.local`];
}

function validate(view: ProxyView): void {
  const services = [...view.outbound, ...(view.inbound && !view.outbound.some((s) => s.id === view.inbound!.id) ? [view.inbound] : [])];
  const ir: MeshIR = { apiVersion: "typemesh.dev/v1", mesh: { trustDomain: view.trustDomain, mtls: "strict" }, services };
  const problems = validateMeshIR(ir);
  if (problems.length > 0) throw new InvalidView(`config view does not match this proxy's schema: ${problems.slice(0, 3).join("; ")}`);
  for (const service of services) {
    for (const route of service.routes) {
      for (const match of route.matches) {
        for (const m of [match.path, ...match.headers.map((h) => h.match), ...match.query.map((q) => q.match)]) {
          if (m?.kind !== "regex") continue;
          try { new RegExp(m.value); } catch (error) {
            throw new InvalidView(`${service.id} route ${route.name}: regex ${m.value} does not compile: ${(error as Error).message}`);
          }
        }
      }
    }
  }
}

export function buildRouter(version: string, view: ProxyView, deps: Omit<StackDeps, "endpointsOf">): Router {
  validate(view);
  // Per service, its endpoints by version and all of them (""): asked on every request by the balancer.
  const byService = new Map<string, Map<string, Endpoint[]>>();
  for (const [id, endpoints] of Object.entries(view.endpoints)) {
    const byVersion = new Map<string, Endpoint[]>([["", endpoints]]);
    for (const e of endpoints) byVersion.set(e.version, [...(byVersion.get(e.version) ?? []), e]);
    byService.set(id, byVersion);
  }
  const none: Endpoint[] = [];
  const stackDeps: StackDeps = { ...deps, endpointsOf: (id, v) => byService.get(id)?.get(v ?? "") ?? none };
  const hosts = new Map<string, Resolution>();
  const ownNamespace = view.inbound?.namespace;
  const shortNames = new Map<string, ServiceIR[]>();
  for (const service of view.outbound) {
    const routes = effectiveRoutes(service);
    const entry: ServiceEntry = { service, routes, selections: routes.map((route) => ({ route, stack: routeStack(service, route, stackDeps) })) };
    for (const host of hostnames(service)) hosts.set(host, { kind: "service", entry });
    shortNames.set(service.name, [...(shortNames.get(service.name) ?? []), service]);
  }
  for (const id of view.denied) {
    const [namespace, name] = id.split("/");
    for (const host of [`${name}.${namespace}`, `${name}.${namespace}.svc`, `${name}.${namespace}.svc.cluster.local`]) hosts.set(host, { kind: "denied", id });
    if (!shortNames.has(name!)) hosts.set(name!, { kind: "denied", id });
  }
  // A bare name means the service of that name; if several namespaces have one, the proxy's own wins.
  for (const [name, services] of shortNames) {
    const chosen = services.length === 1 ? services[0] : services.find((s) => s.namespace === ownNamespace);
    if (chosen) hosts.set(name, hosts.get(`${chosen.name}.${chosen.namespace}`)!);
  }
  const all = Object.values(view.endpoints).flat();
  return {
    version,
    view,
    resolve(host) {
      // Most apps send the name as the mesh spells it: found as is, without two regex replacements.
      const exact = hosts.get(host);
      if (exact) return exact;
      const bare = host.toLowerCase().replace(/:\d+$/, "").replace(/\.$/, "");
      return hosts.get(bare) ?? { kind: "unknown" };
    },
    select(entry, facts) {
      const selected = selectRoute(entry.routes, facts);
      return selected && entry.selections[selected.index];
    },
    endpoints: () => all,
  };
}
