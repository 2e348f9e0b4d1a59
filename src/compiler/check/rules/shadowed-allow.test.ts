import assert from "node:assert/strict";
import { test } from "node:test";
import { shadowedAllow } from "./shadowed-allow.ts";
import { ref, runRule, service, site } from "./test-helpers.ts";

test("an allow rule every request of which a deny rule matches is a warning naming the deny rule", () => {
  const [d, ...rest] = runRule(shadowedAllow, [
    service({
      name: "catalog",
      authorization: {
        allow: [{ methods: ["GET"] }, { from: [ref("shop/frontend")], methods: ["DELETE"], paths: ["/products/*"] }],
        deny: [{ paths: ["/admin/*"] }, { methods: ["DELETE"] }],
      },
    }, site({ "authorization/allow/1": 13 })),
  ]);
  assert.deepEqual(rest, []);
  assert.equal(d?.code, "TM1023");
  assert.equal(d?.severity, "warning");
  assert.equal(d?.location?.line, 13);
  assert.equal(d?.message, "this allow rule of shop/catalog grants nothing: deny rule #2 matches every request it allows");
});

test("a deny rule narrower than the allow rule leaves it something to grant", () => {
  assert.deepEqual(runRule(shadowedAllow, [
    service({
      authorization: {
        allow: [{ from: [ref("shop/frontend")] }, { methods: ["GET", "DELETE"] }],
        deny: [{ from: [ref("shop/frontend")], methods: ["DELETE"] }, { methods: ["DELETE"] }],
      },
    }),
  ]), []);
});
