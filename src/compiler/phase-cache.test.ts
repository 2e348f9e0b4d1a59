import assert from "node:assert/strict";
import path from "node:path";
import { before, test } from "node:test";
import { checkGraphCached, createCheckCache } from "./check/check-cache.ts";
import { checkGraph } from "./check/check.ts";
import { compileGraph, compilePolicies } from "./compile.ts";
import type { DeclarationSite } from "./load/declaration-site.ts";
import type { PolicyGraph, ServiceDeclaration } from "./load/policy-graph.ts";
import { createPhaseCache, phaseStats, type PhaseCache } from "./phase-cache.ts";

// As a session's load side hands graphs over: an edited declaration is a new spec object, every other
// one the very same objects as before.
type Spec = Record<string, any>;

function edit(graph: PolicyGraph, name: string, change: (spec: Spec) => void): PolicyGraph {
  const at = graph.services.findIndex((s) => s.spec.name === name);
  assert.ok(at >= 0, `no service ${name}`);
  const spec = structuredClone(graph.services[at]!.spec);
  change(spec);
  return { ...graph, services: graph.services.map((s, i) => (i === at ? { spec, site: s.site } : s)) };
}

const add = (graph: PolicyGraph, declaration: ServiceDeclaration): PolicyGraph => ({ ...graph, services: [...graph.services, declaration] });
const without = (graph: PolicyGraph, declaration: ServiceDeclaration): PolicyGraph => ({ ...graph, services: graph.services.filter((s) => s !== declaration) });

/** Compiles with the cache and without; they must agree to the last byte. The cache's stats after. */
function recheck(graph: PolicyGraph, cache: PhaseCache) {
  const cached = compileGraph(graph, [], cache);
  const stats = structuredClone(phaseStats(cache));
  assert.deepStrictEqual(cached, compileGraph(graph));
  return { result: cached, stats };
}

const codes = (result: { diagnostics: { code: string }[] }) => result.diagnostics.map((d) => d.code);

let demo: PolicyGraph;
before(async () => {
  const compiled = await compilePolicies(path.resolve(import.meta.dirname, "../../policies"));
  assert.deepEqual(compiled.diagnostics, []);
  demo = compiled.graph!;
});

test("a series of edits to the demo policies: the same result as without the cache, redoing only what changed", () => {
  const cache = createPhaseCache();
  let graph = demo;

  let { result, stats } = recheck(graph, cache);
  assert.ok(result.ir);
  assert.deepEqual(stats.check, { shapesChecked: 6, shapesReused: 0, universeChanged: true, servicesChecked: 5, servicesReused: 0, universeChecked: 5 });
  assert.deepEqual(stats.lower, { servicesLowered: 5, servicesReused: 0, meshReused: false });
  assert.deepEqual(stats.validate, { servicesValidated: 5, servicesReused: 0 });
  const firstIr = result.ir;

  // Nothing changed: everything is reused, down to the MeshIR itself.
  ({ result, stats } = recheck(graph, cache));
  assert.equal(result.ir, firstIr);
  assert.deepEqual(stats.check, { shapesChecked: 0, shapesReused: 6, universeChanged: false, servicesChecked: 0, servicesReused: 5, universeChecked: 0 });
  assert.deepEqual(stats.lower, { servicesLowered: 0, servicesReused: 5, meshReused: true });

  // A split changes: one service is checked, lowered and validated again.
  graph = edit(graph, "checkout", (spec) => { spec.routes[2].split = { v1: 80, v2: 20 }; });
  ({ result, stats } = recheck(graph, cache));
  assert.deepEqual(result.ir?.services.find((s) => s.name === "checkout")?.routes[2]?.destinations, [{ version: "v1", weight: 80 }, { version: "v2", weight: 20 }]);
  assert.deepEqual(stats.check, { shapesChecked: 1, shapesReused: 5, universeChanged: false, servicesChecked: 1, servicesReused: 4, universeChecked: 1 });
  assert.deepEqual(stats.lower, { servicesLowered: 1, servicesReused: 4, meshReused: false });
  assert.deepEqual(stats.validate, { servicesValidated: 1, servicesReused: 4 });
  assert.notEqual(result.ir, firstIr);

  // A split that does not sum to 100.
  graph = edit(graph, "checkout", (spec) => { spec.routes[2].split = { v1: 80, v2: 15 }; });
  ({ result, stats } = recheck(graph, cache));
  assert.deepEqual(codes(result), ["TM1002"]);
  assert.equal(result.ir, undefined);
  assert.equal(stats.check.servicesChecked, 1);

  // Fixed, but a route to a version checkout does not have, and a caller no one declares.
  graph = edit(graph, "checkout", (spec) => { spec.routes[2].split = { v1: 50, v2: 50 }; spec.routes[0].to = "v9"; });
  graph = edit(graph, "catalog", (spec) => { spec.authorization.allow[1].from.push({ $service: "shop/nowhere" }); });
  ({ result, stats } = recheck(graph, cache));
  assert.deepEqual(codes(result).sort(), ["TM1001", "TM1009"]);
  assert.deepEqual(stats.check, { shapesChecked: 2, shapesReused: 4, universeChanged: false, servicesChecked: 2, servicesReused: 3, universeChecked: 2 });

  // Both fixed; checkout mirrors to payments' v2.
  graph = edit(graph, "checkout", (spec) => { spec.routes[0].to = "v2"; spec.routes[2].mirror = { to: { $service: "shop/payments", $version: "v2" }, percent: 5 }; });
  graph = edit(graph, "catalog", (spec) => { spec.authorization.allow[1].from.pop(); });
  ({ result, stats } = recheck(graph, cache));
  assert.deepEqual(result.ir?.services.find((s) => s.name === "checkout")?.routes[2]?.mirror, { service: "shop/payments", version: "v2", percent: 5 });
  assert.equal(stats.check.universeChanged, false);

  // payments renames v2: the universe changed, so the rules that read it run over checkout's unchanged
  // declaration again, and its mirror now points nowhere.
  graph = edit(graph, "payments", (spec) => {
    spec.versions = { v1: {}, v3: spec.versions.v2 };
    spec.routes[1].mirror.to.$version = "v3";
  });
  ({ result, stats } = recheck(graph, cache));
  assert.deepEqual(codes(result), ["TM1014"]);
  assert.match(result.diagnostics[0]!.message, /mirror target shop\/payments has no version "v2"/);
  assert.deepEqual(stats.check, { shapesChecked: 1, shapesReused: 5, universeChanged: true, servicesChecked: 1, servicesReused: 4, universeChecked: 5 });

  // Renamed back by checkout: valid again.
  graph = edit(graph, "checkout", (spec) => { spec.routes[2].mirror.to.$version = "v3"; });
  ({ result, stats } = recheck(graph, cache));
  assert.ok(result.ir);
  assert.equal(stats.check.servicesChecked, 1);
  const beforeDuplicate = result;

  // A second declaration of shopper elsewhere: TM1003 (the graph-scoped rule), and a new universe.
  const duplicate: ServiceDeclaration = {
    spec: { name: "shopper", namespace: "shop", port: 9090, versions: { v1: {} } },
    site: { at: { file: "more.policy.ts", line: 3, column: 1 }, locations: {} },
  };
  graph = add(graph, duplicate);
  ({ result, stats } = recheck(graph, cache));
  assert.deepEqual(codes(result), ["TM1003"]);
  assert.deepEqual(stats.check, { shapesChecked: 1, shapesReused: 6, universeChanged: true, servicesChecked: 1, servicesReused: 5, universeChecked: 6 });

  // Removed again: the result is the one before it.
  graph = without(graph, duplicate);
  ({ result, stats } = recheck(graph, cache));
  assert.deepStrictEqual(result, beforeDuplicate);
  assert.equal(stats.check.universeChanged, true);
  assert.deepEqual(stats.lower, { servicesLowered: 0, servicesReused: 5, meshReused: true });

  // frontend fails its shape check: it leaves the universe, so callers naming it are unknown now.
  const frontendBefore = graph;
  graph = edit(graph, "frontend", (spec) => { spec.colour = "red"; });
  ({ result, stats } = recheck(graph, cache));
  assert.deepEqual([...codes(result)].sort(), ["TM1009", "TM1009", "TM1024"]);
  assert.equal(stats.check.universeChanged, true);

  // The mesh's trust domain changes: every service's identity does, so every service is lowered again.
  graph = { ...frontendBefore, meshes: frontendBefore.meshes.map((m) => ({ spec: { ...m.spec, trustDomain: "shop.example" }, site: m.site })) };
  ({ result, stats } = recheck(graph, cache));
  assert.ok(result.ir?.services.every((s) => s.identity.startsWith("spiffe://shop.example/")));
  assert.deepEqual(stats.lower, { servicesLowered: 5, servicesReused: 0, meshReused: false });

  // A warning alone (no catch-all route) still lowers.
  graph = edit(graph, "frontend", (spec) => { spec.routes.pop(); });
  ({ result, stats } = recheck(graph, cache));
  assert.deepEqual(codes(result), ["TM1019"]);
  assert.ok(result.ir);
  assert.deepEqual(stats.lower, { servicesLowered: 1, servicesReused: 4, meshReused: false });
});

// Hand-made declarations; without locations every diagnostic points at its declaration's call, so
// several at one call tie in sortDiagnostics and keep the order the check pushed them in.
function declared(spec: Spec, site: DeclarationSite): ServiceDeclaration {
  return { spec: { namespace: "shop", port: 8080, versions: { v1: {}, v2: {} }, ...spec }, site };
}

const oneCall: DeclarationSite = { at: { file: "many.policy.ts", line: 4, column: 3 }, locations: {} };
const mesh = { spec: { trustDomain: "shop.local", mtls: "strict" }, site: { at: { file: "mesh.policy.ts", line: 1, column: 1 }, locations: {} } };

function synthetic(): PolicyGraph {
  // Services made in a loop at one call: TM1011 comes from two rules (split-sum, percent-range) for each.
  const services = ["a", "b", "c", "d"].map((name, i) => declared({
    name,
    routes: [{ name: `r${i}`, split: { v1: 101 + i, v2: -1 - i }, fault: { abort: { status: 503, percent: 101 + i } } }],
  }, oneCall));
  return { root: "/x", files: ["many.policy.ts", "mesh.policy.ts"], meshes: [mesh], services };
}

test("diagnostics that tie in sortDiagnostics come out in the uncached order, before sorting and after", () => {
  const phases = createPhaseCache();
  const checks = createCheckCache();
  let graph = synthetic();
  const edits: ((g: PolicyGraph) => PolicyGraph)[] = [
    (g) => g,
    (g) => edit(g, "c", (spec) => { spec.routes[0].fault.abort.percent = 150; }),
    (g) => edit(g, "a", (spec) => { spec.routes[0].split = { v1: 50, v2: 50 }; }),
    (g) => edit(g, "b", (spec) => { spec.routes[0].to = "v3"; delete spec.routes[0].split; }),
    (g) => edit(g, "d", (spec) => { spec.versions = { v1: {} }; }),
    (g) => add(g, declared({ name: "a", routes: [{ split: { v1: 50, v2: 40 } }] }, oneCall)),
    (g) => ({ ...g, meshes: [] }),
  ];
  const reported: string[][] = [];
  for (const change of edits) {
    graph = change(graph);
    assert.deepStrictEqual(checkGraphCached(graph, checks), checkGraph(graph));
    reported.push(recheck(graph, phases).result.diagnostics.map((d) => `${d.code} ${d.message.split(" ").slice(0, 4).join(" ")}`));
  }
  // Rule by rule, then service by service: not the order a cache of per-service lists would give by itself.
  assert.deepEqual(reported[1], [
    ...["101", "-1", "102", "-2", "103", "-3", "104", "-4"].map((w) => `TM1011 split weight ${w} for`),
    ...["101", "102", "150", "104"].map((p) => `TM1011 abort percent ${p} must`),
  ]);
  assert.equal(checks.stats.universeChanged, true);
});

test("a rule that reads another service sees it change without an edit of the service it reports on", () => {
  const cache = createPhaseCache();
  const site = (line: number): DeclarationSite => ({ at: { file: "s.policy.ts", line, column: 1 }, locations: {} });
  const caller = declared({
    name: "caller",
    routes: [{ to: "v1", mirror: { to: { $service: "shop/target", $version: "v2" } } }],
    authorization: { allow: [{ from: [{ $service: "shop/target" }] }] },
  }, site(1));
  const target = declared({ name: "target" }, site(9));
  let graph: PolicyGraph = { root: "/x", files: ["s.policy.ts"], meshes: [mesh], services: [caller, target] };
  assert.ok(recheck(graph, cache).result.ir);
  // target loses v2: the mirror points nowhere.
  graph = edit(graph, "target", (spec) => { spec.versions = { v1: {} }; });
  assert.deepEqual(codes(recheck(graph, cache).result), ["TM1014"]);
  // target goes: both the mirror and the authorization name an unknown service.
  graph = without(graph, graph.services[1]!);
  let { result, stats } = recheck(graph, cache);
  assert.deepEqual(codes(result), ["TM1009", "TM1014"]);
  assert.deepEqual(stats.check, { shapesChecked: 0, shapesReused: 2, universeChanged: true, servicesChecked: 0, servicesReused: 1, universeChecked: 1 });
  // It comes back: caller is as it was, found again from the new universe.
  graph = { ...graph, services: [caller, target] };
  ({ result, stats } = recheck(graph, cache));
  assert.ok(result.ir);
  assert.deepEqual(stats.check, { shapesChecked: 0, shapesReused: 3, universeChanged: true, servicesChecked: 0, servicesReused: 2, universeChecked: 2 });
  // An edit no other service reads (target's port) leaves the universe as it was.
  graph = edit(graph, "target", (spec) => { spec.port = 9090; });
  ({ stats } = recheck(graph, cache));
  assert.deepEqual(stats.check, { shapesChecked: 1, shapesReused: 2, universeChanged: false, servicesChecked: 1, servicesReused: 1, universeChecked: 1 });
});
