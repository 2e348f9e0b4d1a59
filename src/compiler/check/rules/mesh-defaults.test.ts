import assert from "node:assert/strict";
import { test } from "node:test";
import { meshDefaults } from "./mesh-defaults.ts";
import { mesh, runRule, service, site } from "./test-helpers.ts";

test("no mesh defaults at all is an error with the declaration to add", () => {
  const [d, ...rest] = runRule(meshDefaults, [service({}, site({}, "checkout.policy.ts"))], []);
  assert.deepEqual(rest, []);
  assert.equal(d?.code, "TM1015");
  assert.equal(d?.severity, "error");
  assert.equal(d?.location?.file, "checkout.policy.ts");
  assert.equal(d?.message, "no policy file declares the mesh defaults");
  assert.match(d?.hint ?? "", /defineMesh\(/);
});

test("a second defineMesh is an error pointing at the first", () => {
  const second = mesh({ trustDomain: "payments.shop.local" }, { at: { file: "payments.policy.ts", line: 4, column: 1 }, locations: {} });
  const [d] = runRule(meshDefaults, [service()], [mesh(), second]);
  assert.equal(d?.location?.file, "payments.policy.ts");
  assert.equal(d?.message, "mesh defaults are already declared at mesh.policy.ts:1");
});

test("a trust domain that is not a SPIFFE trust domain is an error quoting it", () => {
  const [d] = runRule(meshDefaults, [service()], [mesh({ trustDomain: "spiffe://shop.local" }, site({ trustDomain: 5 }, "mesh.policy.ts"))]);
  assert.equal(d?.location?.line, 5);
  assert.match(d?.message ?? "", /trust domain "spiffe:\/\/shop\.local" is not a valid SPIFFE trust domain/);
});

test("one mesh with a valid trust domain passes, and an empty directory needs none", () => {
  assert.deepEqual(runRule(meshDefaults, [service()], [mesh({ trustDomain: "cluster.local" })]), []);
  assert.deepEqual(runRule(meshDefaults, [], []), []);
});
