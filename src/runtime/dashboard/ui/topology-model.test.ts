import assert from "node:assert/strict";
import { test } from "node:test";
import type { MeshIR, ServiceIR } from "../../../compiler/ir/schema.ts";
import type { EdgeTraffic } from "../../control-plane/traffic-store.ts";
import { accessOf, PLAINTEXT } from "./authz.ts";
import { buildTopology } from "./topology-model.ts";

const source = { file: "x.policy.ts", line: 1, column: 1 };
function service(name: string, extra: Partial<ServiceIR> = {}): ServiceIR {
  return {
    id: `shop/${name}`, name, namespace: "shop", port: 8080, identity: `spiffe://t/ns/shop/sa/${name}`, mtls: "strict", loadBalancer: "round-robin",
    versions: [{ name: "v1", labels: {} }], routes: [], authorization: { allow: [], deny: [] }, source, ...extra,
  };
}
const ir: MeshIR = {
  apiVersion: "typemesh.dev/v1", mesh: { trustDomain: "t", mtls: "strict" },
  services: [
    service("catalog", { mtls: "permissive", authorization: { allow: [{ methods: ["GET"], paths: ["/products/*"], source }, { from: ["shop/checkout"], source }], deny: [{ methods: ["DELETE"], source }] } }),
    service("checkout", { authorization: { allow: [{ from: ["shop/frontend"], source }], deny: [] } }),
    service("frontend"),
    service("payments", { authorization: { allow: [{ from: ["shop/checkout"], source }], deny: [{ from: ["shop/frontend"], source }] } }),
  ],
};
const edge = (from: string, to: string, version: string, requests: number, successRate: number, byCode: Record<string, number> = { 200: requests }): EdgeTraffic =>
  ({ reporter: "source", source: `shop/${from}`, destination: `shop/${to}`, version, requests, rps: requests / 30, successRate, p99Ms: 20, byCode });

test("edges merge versions, carry the destination's mTLS mode, and a DENY rule naming a caller is drawn without traffic", () => {
  const topology = buildTopology(ir, [edge("frontend", "checkout", "v1", 90, 1), edge("frontend", "checkout", "v2", 10, 0.9), edge("frontend", "catalog", "v1", 30, 1)], []);
  const byKey = new Map(topology.edges.map((e) => [e.key, e]));
  const checkout = byKey.get("shop/frontend->shop/checkout")!;
  assert.equal(checkout.requests, 100);
  assert.ok(Math.abs(checkout.successRate! - 0.99) < 1e-9);
  assert.equal(checkout.health, "ok");
  assert.equal(checkout.security, "strict");
  assert.equal(byKey.get("shop/frontend->shop/catalog")!.security, "permissive");
  const denied = byKey.get("shop/frontend->shop/payments")!;
  assert.equal(denied.policy, "denied");
  assert.equal(denied.live, false);
  assert.equal(topology.nodes.find((n) => n.id === "shop/checkout")!.inRps, 100 / 30);
});

test("traffic the policy refuses is a denied edge; a name outside the bundle is an undeclared node", () => {
  const topology = buildTopology(ir, [edge("catalog", "checkout", "unknown", 5, 1, { 403: 5 }), edge("frontend", "ghost", "unknown", 2, 1, { 404: 2 })], []);
  const refused = topology.edges.find((e) => e.key === "shop/catalog->shop/checkout")!;
  assert.equal(refused.policy, "denied");
  assert.equal(refused.denied, 5);
  assert.equal(refused.deniedBy, "not in any ALLOW rule");
  assert.equal(topology.nodes.find((n) => n.id === "shop/ghost")!.declared, false);
});

test("who may call: ALLOW rules limit, DENY rules win, plaintext reaches only permissive services", () => {
  const catalog = ir.services[0]!;
  assert.deepEqual(accessOf(catalog, "shop/checkout"), { caller: "shop/checkout", level: "some", detail: "all requests except DELETE" });
  assert.equal(accessOf(catalog, "shop/frontend").detail, "GET /products/* except DELETE");
  assert.equal(accessOf(catalog, PLAINTEXT).level, "some");
  assert.equal(accessOf(ir.services[3]!, "shop/frontend").level, "none");
  assert.equal(accessOf(ir.services[1]!, PLAINTEXT).detail, "denied: mTLS strict: plaintext refused");
});
