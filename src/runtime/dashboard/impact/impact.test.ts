import assert from "node:assert/strict";
import { test } from "node:test";
import type { MeshIR, ServiceIR } from "../../../compiler/ir/schema.ts";
import { impactOf } from "./impact.ts";

const at = (line: number) => ({ file: "checkout.policy.ts", line, column: 1 });
function checkout(): ServiceIR {
  return {
    id: "shop/checkout", name: "checkout", namespace: "shop", port: 8080, identity: "spiffe://t/ns/shop/sa/checkout", mtls: "strict",
    loadBalancer: "round-robin", versions: [{ name: "v1", labels: {} }, { name: "v2", labels: {} }],
    routes: [
      { name: "cart", matches: [{ path: { kind: "prefix", value: "/cart" }, headers: [], query: [] }], destinations: [{ version: "v1", weight: 90 }, { version: "v2", weight: 10 }], timeoutMs: 1500, source: at(3) },
      { name: "default", matches: [], destinations: [{ version: "v1", weight: 100 }], timeoutMs: 3000, source: at(9) },
    ],
    authorization: { allow: [{ from: ["shop/frontend"], source: at(12) }], deny: [] }, source: at(1),
  };
}
const mesh = (...services: ServiceIR[]): MeshIR => ({ apiVersion: "typemesh.dev/v1", mesh: { trustDomain: "t", mtls: "strict" }, services });

test("a change is summarized by plan's differ: headline, per-route lines, risks", () => {
  const head = checkout();
  head.routes[0]!.destinations = [{ version: "v1", weight: 80 }, { version: "v2", weight: 20 }];
  head.mtls = "permissive";
  const impact = impactOf(mesh(checkout()), mesh(head));
  assert.equal(impact.verdict, "change");
  assert.match(impact.headline, /1 service changed/);
  const lines = impact.services[0]!.changes.map((c) => c.summary).join("\n");
  assert.match(lines, /split v1 90% · v2 10% → v1 80% · v2 20%/);
  assert.ok(impact.risks.some((r) => r.code === "mtls-weakened"), JSON.stringify(impact.risks));
});

test("the first bundle has nothing to compare with; moved source positions are no change", () => {
  assert.equal(impactOf(undefined, mesh(checkout())).verdict, "first");
  const moved = checkout();
  moved.routes[0]!.source = at(30);
  assert.equal(impactOf(mesh(checkout()), mesh(moved)).verdict, "no-change");
});
