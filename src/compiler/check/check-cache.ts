// The check phase for a session's re-checks: the same result as checkGraph (check.ts), diagnostics in
// the same order, but the shape check and the per-service rules run only over declarations that are new
// objects since the last check, and the rules that read the universe (universe.ts) over every service
// only when it changed. The load side hands unchanged declarations over as the very same spec and site
// objects, and specs are never mutated, so results are kept by identity.
import type { Diagnostic } from "../diagnostics/diagnostic.ts";
import type { DeclarationSite } from "../load/declaration-site.ts";
import { serviceKey, type PolicyGraph } from "../load/policy-graph.ts";
import type { CheckResult } from "./check.ts";
import { createContext, type CheckedMesh, type CheckedService } from "./context.ts";
import type { Rule } from "./rule.ts";
import { rules } from "./rules/index.ts";
import { checkShape } from "./shape.ts";
import type { MeshSpecData, ServiceSpecData } from "./spec-shape.ts";
import { universeOf } from "./universe.ts";

interface ShapeEntry<T> {
  site: DeclarationSite;
  diagnostics: Diagnostic[];
  /** The declaration as the rules read it, when its shape holds; reused, so later phases can key on it. */
  checked?: T;
}

/** Per rule of one scope (by its index in that scope's list), what it reported; empty when nothing. */
type Findings = readonly (readonly Diagnostic[])[];

interface FindingsEntry {
  site: DeclarationSite;
  /** The service-scoped rules': they read the declaration alone. */
  own: Findings;
  /** The universe-scoped rules', and the universe they were made in (CheckCache.generation). */
  universe: { generation: number; found: Findings };
}

export interface CheckStats {
  shapesChecked: number;
  shapesReused: number;
  universeChanged: boolean;
  /** Services the service-scoped rules ran over, and those whose findings were reused. */
  servicesChecked: number;
  servicesReused: number;
  /** Services the universe-scoped rules ran over: the changed ones, or all when the universe changed. */
  universeChecked: number;
}

export interface CheckCache {
  services: WeakMap<object, ShapeEntry<CheckedService>>;
  meshes: WeakMap<object, ShapeEntry<CheckedMesh>>;
  findings: WeakMap<object, FindingsEntry>;
  universe?: string;
  /** Bumped whenever the universe changes, which invalidates the universe-scoped findings. */
  generation: number;
  /** Of the last check. */
  stats: CheckStats;
}

export function createCheckCache(): CheckCache {
  return { services: new WeakMap(), meshes: new WeakMap(), findings: new WeakMap(), generation: 0, stats: emptyStats() };
}

const emptyStats = (): CheckStats =>
  ({ shapesChecked: 0, shapesReused: 0, universeChanged: false, servicesChecked: 0, servicesReused: 0, universeChecked: 0 });

const ownRules = rules.filter((rule) => rule.scope === "service");
const universeRules = rules.filter((rule) => rule.scope === "universe");

function shaped<T>(
  entries: WeakMap<object, ShapeEntry<T>>, kind: "service" | "mesh", declaration: { spec: Record<string, unknown>; site: DeclarationSite },
  stats: CheckStats, make: () => T,
): ShapeEntry<T> {
  const cached = entries.get(declaration.spec);
  if (cached?.site === declaration.site) {
    stats.shapesReused++;
    return cached;
  }
  stats.shapesChecked++;
  const diagnostics = checkShape(kind, declaration.spec, declaration.site);
  const entry: ShapeEntry<T> = { site: declaration.site, diagnostics, ...(diagnostics.length === 0 && { checked: make() }) };
  entries.set(declaration.spec, entry);
  return entry;
}

/** What each of `some` rules reports about one service, run over it alone in a context holding `meshes` and `byKey`. */
function findingsOf(some: readonly Rule[], service: CheckedService, meshes: CheckedMesh[], byKey?: Map<string, CheckedService[]>): Findings {
  const sink: Diagnostic[] = [];
  const context = createContext(meshes, [service], sink, byKey);
  const ends = some.map((rule) => {
    rule.check(context);
    return sink.length;
  });
  if (sink.length === 0) return [];
  return ends.map((end, i) => sink.slice(i === 0 ? 0 : ends[i - 1], end));
}

/** A service's findings: reused where its declaration (and for the universe's rules, the universe) is unchanged. */
function findingsFor(service: CheckedService, meshes: CheckedMesh[], byKey: Map<string, CheckedService[]>, cache: CheckCache): FindingsEntry {
  const { stats, generation } = cache;
  const cached = cache.findings.get(service.spec);
  const same = cached?.site === service.site;
  if (same && cached.universe.generation === generation) {
    stats.servicesReused++;
    return cached;
  }
  // The service's own rules see nothing but the service: what they find cannot depend on anything else.
  let own = same ? cached.own : undefined;
  if (own) stats.servicesReused++;
  else {
    stats.servicesChecked++;
    own = findingsOf(ownRules, service, []);
  }
  stats.universeChecked++;
  const entry: FindingsEntry = { site: service.site, own, universe: { generation, found: findingsOf(universeRules, service, meshes, byKey) } };
  cache.findings.set(service.spec, entry);
  return entry;
}

export function checkGraphCached(graph: PolicyGraph, cache: CheckCache): CheckResult {
  const stats = (cache.stats = emptyStats());
  // As checkGraph: shape diagnostics in declaration order, services before meshes.
  const diagnostics: Diagnostic[] = [];
  const services: CheckedService[] = [];
  const meshes: CheckedMesh[] = [];
  for (const declaration of graph.services) {
    const entry = shaped(cache.services, "service", declaration, stats, () =>
      ({ key: serviceKey(declaration.spec), spec: declaration.spec as unknown as ServiceSpecData, site: declaration.site }));
    diagnostics.push(...entry.diagnostics);
    if (entry.checked) services.push(entry.checked);
  }
  for (const declaration of graph.meshes) {
    const entry = shaped(cache.meshes, "mesh", declaration, stats, () => ({ spec: declaration.spec as unknown as MeshSpecData, site: declaration.site }));
    diagnostics.push(...entry.diagnostics);
    if (entry.checked) meshes.push(entry.checked);
  }

  const universe = universeOf(meshes, services);
  if (universe !== cache.universe) {
    cache.universe = universe;
    cache.generation++;
    stats.universeChanged = true;
  }
  const context = createContext(meshes, services, diagnostics);
  const findings = services.map((service) => findingsFor(service, meshes, context.byKey, cache));

  // As checkGraph: rule by rule, and within a rule service by service, so that sortDiagnostics (stable,
  // and not a total order: it ignores messages) leaves ties as the uncached check does.
  const index = { service: 0, universe: 0 };
  for (const rule of rules) {
    if (rule.scope === "graph") {
      rule.check(context);
      continue;
    }
    const i = index[rule.scope]++;
    for (const entry of findings) {
      const found = rule.scope === "service" ? entry.own[i] : entry.universe.found[i];
      if (found && found.length > 0) diagnostics.push(...found);
    }
  }
  return { diagnostics, services, meshes };
}
