import assert from "node:assert/strict";
import { test } from "node:test";
import { serviceIdentity } from "./service-identity.ts";
import { runRule, service, site } from "./test-helpers.ts";

test("names, namespaces and versions that are not DNS labels, and ports outside 1–65535, are errors", () => {
  const found = runRule(serviceIdentity, [
    service({ name: "Checkout", namespace: "shop_prod", port: 80800, versions: { V1: {} } },
      site({ name: 5, namespace: 6, port: 7, "versions/V1": 8 })),
  ]);
  assert.deepEqual(found.map((d) => [d.code, d.severity, d.location?.line]), [
    ["TM1016", "error", 5], ["TM1016", "error", 6], ["TM1016", "error", 7], ["TM1016", "error", 8],
  ]);
  assert.match(found[0]?.message ?? "", /service name "Checkout" is not a DNS label/);
  assert.match(found[1]?.message ?? "", /namespace "shop_prod" is not a DNS label/);
  assert.equal(found[2]?.message, "port 80800 is not a TCP port (1–65535)");
  assert.match(found[3]?.message ?? "", /version name "V1"/);
});

test("a fractional or zero port is no TCP port either", () => {
  assert.equal(runRule(serviceIdentity, [service({ port: 0 })]).length, 1);
  assert.equal(runRule(serviceIdentity, [service({ port: 8080.5 })]).length, 1);
});

test("lower-case DNS labels and a TCP port pass", () => {
  assert.deepEqual(runRule(serviceIdentity, [service({ name: "checkout-api", namespace: "shop", port: 65535, versions: { v1: {}, "v2-canary": {} } })]), []);
});
