import assert from "node:assert/strict";
import { test } from "node:test";
import { noVersions } from "./no-versions.ts";
import { runRule, service, site } from "./test-helpers.ts";

test("a service without versions is an error with an example of the fix", () => {
  const [d, ...rest] = runRule(noVersions, [service({ name: "inventory", versions: {} }, site({ versions: 8 }))]);
  assert.deepEqual(rest, []);
  assert.equal(d?.code, "TM1012");
  assert.equal(d?.severity, "error");
  assert.equal(d?.location?.line, 8);
  assert.equal(d?.message, "service shop/inventory declares no versions");
  assert.match(d?.hint ?? "", /versions: \{ v1: \{\} \}/);
});

test("a service with a version passes", () => {
  assert.deepEqual(runRule(noVersions, [service({ versions: { v1: {} } })]), []);
});
