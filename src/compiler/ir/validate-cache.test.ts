import assert from "node:assert/strict";
import { test } from "node:test";
import { mesh, service } from "../check/rules/test-helpers.ts";
import { lowerMesh } from "../lower/lower.ts";
import type { MeshIR } from "./schema.ts";
import { createValidateCache, validateMeshIRCached } from "./validate-cache.ts";
import { validateMeshIR } from "./validate.ts";

const valid = (): MeshIR => lowerMesh([mesh()], [
  service({ name: "a", routes: [{ to: "v1", timeout: "1s" }] }),
  service({ name: "b", versions: { v1: {}, v2: {} }, routes: [{ split: { v1: 50, v2: 50 } }] }),
]);

test("a valid IR passes, each service validated once while it is the same object", () => {
  const cache = createValidateCache();
  const ir = valid();
  assert.deepEqual(validateMeshIRCached(ir, cache), []);
  assert.deepEqual(cache.stats, { servicesValidated: 2, servicesReused: 0 });
  const next = { ...ir, services: [ir.services[0]!, { ...ir.services[1]!, port: 9090 }] };
  assert.deepEqual(validateMeshIRCached(next, cache), []);
  assert.deepEqual(cache.stats, { servicesValidated: 1, servicesReused: 1 });
});

test("an invalid IR gets the whole schema's messages, in its order", () => {
  const cache = createValidateCache();
  const ir = valid();
  validateMeshIRCached(ir, cache);
  const broken: unknown[] = [
    { ...ir, services: [ir.services[0]!, { ...ir.services[1]!, port: 0, versions: [] }] },
    { ...ir, apiVersion: "v0", extra: true, services: [{ ...ir.services[0]!, mtls: "sometimes" }, ir.services[1]!] },
    { ...ir, mesh: { trustDomain: 1 } },
    { ...ir, services: {} },
    { apiVersion: "typemesh.dev/v1" },
  ];
  for (const bad of broken) {
    const problems = validateMeshIRCached(bad as MeshIR, cache);
    assert.ok(problems.length > 0, JSON.stringify(bad));
    assert.deepEqual(problems, validateMeshIR(bad));
  }
});
