import assert from "node:assert/strict";
import { test } from "node:test";
import type { Diagnostic } from "../diagnostics/diagnostic.ts";
import type { PolicyGraph } from "../load/policy-graph.ts";
import { checkGraphCached, createCheckCache } from "./check-cache.ts";
import { checkGraph } from "./check.ts";
import { createContext, indexByKey, type CheckedService } from "./context.ts";
import { rules } from "./rules/index.ts";
import { mesh, ref, runRule, service, site } from "./rules/test-helpers.ts";

// Services with a mistake for every rule, several to a service, some naming each other.
const mistaken: CheckedService[] = [
  service({ name: "Bad_Name", namespace: "Shop", port: 0, versions: { V1: {} } }),
  service({ name: "empty", versions: {} }),
  service({
    name: "routes",
    versions: { v1: {}, v2: {} },
    routes: [
      { match: { path: { exact: "/a", prefix: "/" }, method: ["FETCH"] }, split: { v1: 60, v3: 30 } },
      { match: { headers: { "x-a": { regex: "(" } } }, to: "v1", split: { v1: 100 } },
      {
        match: { path: { exact: "/p" }, method: "POST" }, to: "v1", timeout: "1s",
        retries: { attempts: 11, perTryTimeout: "400ms", retryOn: ["bogus", 200], backoff: { base: "1s", max: "10ms" } },
      },
      { match: { path: { exact: "/p" }, method: "POST" }, to: "v2", timeout: "5 s" },
      { to: "v1", fault: {}, mirror: { to: ref("shop/routes"), percent: 101 } },
      { to: "v1", fault: { abort: { status: 200, percent: 150 } } },
    ],
  }),
  service({
    name: "edges",
    versions: { v1: {}, v2: {} },
    routes: [
      { match: { method: "GET" }, to: "v1", mirror: { to: ref("shop/nowhere") }, headers: { request: { set: { "bad header": "x", connection: "close", "x-a": "1" }, remove: ["X-A"] } } },
      { match: { method: "GET" }, to: "v2", mirror: { to: ref("shop/routes", "v9") } },
      { match: { method: "PUT" }, to: "v1", mirror: { to: ref("shop/routes", "v2") } },
    ],
    connectionLimits: { maxConnections: 0, maxPendingRequests: -1 },
    outlierDetection: { consecutive5xx: 0, interval: "0ms", baseEjectionTime: "1x", maxEjectionPercent: 120 },
    authorization: {
      allow: [{ from: [ref("shop/routes"), ref("shop/ghost"), { $invalid: "a function" }], methods: ["FETCH"] }, { paths: ["/x"] }],
      deny: [{ paths: ["/x"] }],
    },
    rollout: { to: "v7", steps: [50, 20], interval: "soon", gates: { minSuccessRate: 120, minRequests: -1 }, failureThreshold: 1.5 },
  }),
  // A second declaration of a key, and a service whose rollout cannot tell where it starts.
  service({ name: "routes", versions: { v1: {} } }, site({}, "again.policy.ts")),
  service({ name: "rolling", versions: { v1: {}, v2: {}, v3: {} }, rollout: { to: "v3", stepWeight: 30, interval: "10s", gates: {} } }),
];

test("each rule reports over all services exactly what it reports over each alone, seeing what its scope allows", () => {
  const meshes = [mesh()];
  const byKey = indexByKey(mistaken);
  for (const rule of rules.filter((r) => r.scope !== "graph")) {
    const each: Diagnostic[] = [];
    // A service-scoped rule sees its service and nothing else; a universe-scoped one every key too.
    for (const one of mistaken) rule.check(rule.scope === "service" ? createContext([], [one], each) : createContext(meshes, [one], each, byKey));
    assert.deepStrictEqual(each, runRule(rule, mistaken, meshes), rule.name);
  }
  // Every one of them has something to say here: the comparison is not between empty lists.
  const silent = rules.filter((rule) => rule.scope !== "graph" && runRule(rule, mistaken).length === 0).map((rule) => rule.name);
  assert.deepEqual(silent, []);
});

test("the cached check of a graph full of mistakes is the uncached one, edit after edit", () => {
  const declarations = mistaken.map((s) => ({ spec: s.spec as unknown as Record<string, unknown>, site: s.site }));
  let graph: PolicyGraph = { root: "/x", files: ["x.policy.ts"], meshes: [{ spec: { trustDomain: "shop.local", mtls: "strict" }, site: site() }], services: declarations };
  const cache = createCheckCache();
  const replace = (i: number, spec: Record<string, unknown>) => ({ ...graph, services: graph.services.map((d, j) => (j === i ? { spec, site: d.site } : d)) });
  const steps: (() => PolicyGraph)[] = [
    () => graph,
    () => replace(2, { ...graph.services[2]!.spec, routes: [] }),
    () => replace(3, { ...graph.services[3]!.spec, port: 70000 }),
    () => replace(0, { ...graph.services[0]!.spec, name: "ghost", namespace: "shop" }),
    () => ({ ...graph, services: graph.services.slice(0, 4) }),
    () => ({ ...graph, meshes: [...graph.meshes, ...graph.meshes] }),
  ];
  for (const step of steps) {
    graph = step();
    assert.deepStrictEqual(checkGraphCached(graph, cache), checkGraph(graph));
  }
});
