// What every rule reads: the shape-checked declarations and a way to report against a value path.
import { catalog, type DiagnosticCode } from "../diagnostics/catalog.ts";
import type { Diagnostic } from "../diagnostics/diagnostic.ts";
import { locate, type DeclarationSite } from "../load/declaration-site.ts";
import type { MeshSpecData, RequestMatchSpec, RouteSpec, ServiceSpecData } from "./spec-shape.ts";

export interface CheckedService {
  /** "namespace/name" */
  key: string;
  spec: ServiceSpecData;
  site: DeclarationSite;
}

export interface CheckedMesh {
  spec: MeshSpecData;
  site: DeclarationSite;
}

export interface CheckContext {
  meshes: CheckedMesh[];
  services: CheckedService[];
  /** Every declaration of a key (more than one is TM1003). */
  byKey: Map<string, CheckedService[]>;
  report(code: DiagnosticCode, at: { site: DeclarationSite }, path: readonly (string | number)[], message: string, hint?: string): void;
}

/** Every declaration of each key, in declaration order. */
export function indexByKey(services: readonly CheckedService[]): Map<string, CheckedService[]> {
  const byKey = new Map<string, CheckedService[]>();
  for (const service of services) {
    const declared = byKey.get(service.key);
    if (declared) declared.push(service);
    else byKey.set(service.key, [service]);
  }
  return byKey;
}

/** `byKey` may index more services than `services`: a re-check runs rules over some services, looking up all. */
export function createContext(meshes: CheckedMesh[], services: CheckedService[], sink: Diagnostic[], byKey = indexByKey(services)): CheckContext {
  return {
    meshes,
    services,
    byKey,
    report(code, at, path, message, hint) {
      sink.push({ code, severity: catalog[code].severity, message, location: locate(at.site, path), ...(hint && { hint }) });
    },
  };
}

/** A route's matches as a list; empty when the route matches every request. */
export function matchesOf(route: RouteSpec): RequestMatchSpec[] {
  if (route.match === undefined) return [];
  return Array.isArray(route.match) ? route.match : [route.match];
}

function isEmptyMatch(match: RequestMatchSpec): boolean {
  const empty = (r?: Record<string, unknown>) => !r || Object.keys(r).length === 0;
  const noMethod = match.method === undefined || (Array.isArray(match.method) && match.method.length === 0);
  return !match.path && empty(match.headers) && empty(match.query) && noMethod;
}

/** A route that matches every request. */
export function isCatchAll(route: RouteSpec): boolean {
  const matches = matchesOf(route);
  return matches.length === 0 || matches.some(isEmptyMatch);
}

/** The versions a route sends to, with their weights. */
export function destinationsOf(route: RouteSpec): [string, number][] {
  if (route.to !== undefined) return [[route.to, 100]];
  return Object.entries(route.split ?? {});
}

/** The methods a match is limited to; undefined when it takes any (an empty list lowers to no limit). */
export function methodsOf(match: RequestMatchSpec): string[] | undefined {
  if (match.method === undefined) return undefined;
  const methods = Array.isArray(match.method) ? match.method : [match.method];
  return methods.length === 0 ? undefined : methods;
}
