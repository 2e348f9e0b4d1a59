import assert from "node:assert/strict";
import { test } from "node:test";
import { mirrorTarget } from "./mirror-target.ts";
import { ref, runRule, service, site } from "./test-helpers.ts";

const payments = service({ name: "payments", versions: { v1: {}, v2: {} } });

test("a mirror to an undeclared service or version is TM1014", () => {
  const found = runRule(mirrorTarget, [
    payments,
    service({
      routes: [
        { match: { method: "GET" }, to: "v1", mirror: { to: ref("shop/analytics") } },
        { to: "v1", mirror: { to: ref("shop/payments", "shadow") } },
      ],
    }, site({ "routes/0/mirror/to": 6, "routes/1/mirror/to": 9 })),
  ]);
  assert.deepEqual(found.map((d) => [d.code, d.severity, d.location?.line]), [["TM1014", "error", 6], ["TM1014", "error", 9]]);
  assert.match(found[0]?.message ?? "", /mirror target shop\/analytics is not a declared service/);
  assert.match(found[1]?.message ?? "", /mirror target shop\/payments has no version "shadow"/);
});

test("mirroring to where the route already sends is TM1010", () => {
  const own = service({ name: "payments", versions: { v1: {}, v2: {} }, routes: [{ name: "charge", to: "v1", mirror: { to: ref("shop/payments", "v1") } }] });
  const [d] = runRule(mirrorTarget, [own]);
  assert.equal(d?.code, "TM1010");
  assert.match(d?.message ?? "", /route charge mirrors to shop\/payments v1, where it already sends/);
  const whole = service({ name: "payments", routes: [{ to: "v1", mirror: { to: ref("shop/payments") } }] });
  assert.deepEqual(runRule(mirrorTarget, [whole]).map((x) => x.code), ["TM1010"]);
});

test("a shadow version of the same service, or another service, passes", () => {
  const own = service({ name: "payments", versions: { v1: {}, v2: {} }, routes: [{ to: "v1", mirror: { to: ref("shop/payments", "v2"), percent: 20 } }] });
  const checkout = service({ routes: [{ to: "v1", mirror: { to: ref("shop/payments") } }] });
  assert.deepEqual(runRule(mirrorTarget, [own, checkout]), []);
});
