import assert from "node:assert/strict";
import { test } from "node:test";
import type { CheckedService } from "../check/context.ts";
import { mesh, service, site } from "../check/rules/test-helpers.ts";
import { createLowerCache, lowerMeshCached } from "./lower-cache.ts";
import { lowerMesh } from "./lower.ts";

// Declared out of id order, with ids that sort differently by code unit and by locale.
const services = ["zeta", "Alpha", "beta", "alpha", "éclair", "delta"].map((name, i) => service({ name }, site({}, `${i}.policy.ts`)));

test("the cached lowering is lowerMesh's, re-sorting only when the ids change", () => {
  const cache = createLowerCache();
  const meshes = [mesh()];
  const lower = (list: CheckedService[], m = meshes) => {
    const ir = lowerMeshCached(m, list, cache);
    assert.deepStrictEqual(ir, lowerMesh(m, list));
    return ir;
  };
  const first = lower(services);
  assert.deepEqual(cache.stats, { servicesLowered: 6, servicesReused: 0, meshReused: false });
  const order = cache.sorted?.order;

  // One service changes (a new spec object): lowered again alone, the order kept.
  const edited = services.map((s, i) => (i === 2 ? { ...s, spec: { ...s.spec, port: 9000 } } : s));
  const second = lower(edited);
  assert.deepEqual(cache.stats, { servicesLowered: 1, servicesReused: 5, meshReused: false });
  assert.equal(cache.sorted?.order, order);
  assert.equal(second.services.filter((s, i) => s === first.services[i]).length, 5);

  // Renamed: a new sort.
  const renamed = edited.map((s, i) => (i === 0 ? service({ name: "aardvark" }, s.site) : s));
  lower(renamed);
  assert.notEqual(cache.sorted?.order, order);

  // Nothing changed: the very same MeshIR.
  const again = lowerMeshCached(meshes, renamed, cache);
  assert.equal(lowerMeshCached(meshes, renamed, cache), again);
  assert.equal(cache.stats.meshReused, true);

  // The mesh's defaults change: every service's identity and mTLS mode with them.
  lower(renamed, [mesh({ trustDomain: "other.local", mtls: "permissive" })]);
  assert.deepEqual(cache.stats, { servicesLowered: 6, servicesReused: 0, meshReused: false });
  // And no mesh at all: the built-in defaults.
  lower(renamed, []);
  assert.deepEqual(cache.stats, { servicesLowered: 6, servicesReused: 0, meshReused: false });
});
