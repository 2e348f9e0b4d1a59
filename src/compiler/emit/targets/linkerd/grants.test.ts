import assert from "node:assert/strict";
import { test } from "node:test";
import type { AuthzRuleIR, MeshIR, ServiceIR } from "../../../ir/schema.ts";
import { planGrants } from "./grants.ts";

const at = { file: "f", line: 1, column: 1 };
const rule = (partial: Partial<AuthzRuleIR>): AuthzRuleIR => ({ source: at, ...partial });
const svc = (id: string, allow: AuthzRuleIR[] = [], deny: AuthzRuleIR[] = []): ServiceIR => ({
  id, name: id.split("/")[1]!, namespace: id.split("/")[0]!, port: 80, identity: `spiffe://td/ns/${id}`, mtls: "strict", loadBalancer: "round-robin",
  versions: [{ name: "v1", labels: {} }], routes: [], authorization: { allow, deny }, source: at,
});
const mesh = (...services: ServiceIR[]): MeshIR => ({ apiVersion: "typemesh.dev/v1", mesh: { trustDomain: "td", mtls: "strict" }, services });

test("a deny on methods narrows an allow to the other methods, exactly", () => {
  const s = svc("a/s", [rule({ from: ["a/c"] })], [rule({ methods: ["DELETE"] })]);
  const { grants, narrowings } = planGrants(mesh(s, svc("a/c")), s);
  assert.deepEqual(grants.map((g) => [g.callers, g.methods]), [[["a/c"], ["GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT", "TRACE"]]]);
  assert.deepEqual(narrowings, []);
});

test("a deny on callers removes them from named callers; from 'anyone' it lists the known others and says so", () => {
  const named = svc("a/s", [rule({ from: ["a/c", "a/d"] })], [rule({ from: ["a/d"] })]);
  assert.deepEqual(planGrants(mesh(named), named).grants.map((g) => g.callers), [["a/c"]]);
  const open = svc("a/s", [], [rule({ from: ["a/d"] })]);
  const plan = planGrants(mesh(open, svc("a/c"), svc("a/d")), open);
  assert.deepEqual(plan.grants.map((g) => g.callers), [["a/s", "a/c"]]);
  assert.equal(plan.narrowings.length, 1);
});

test("a disjoint deny changes nothing; one that covers an allow removes it", () => {
  const s = svc("a/s", [rule({ methods: ["GET"], paths: ["/x"] }), rule({ paths: ["/admin/users"] })], [rule({ methods: ["POST"] }), rule({ paths: ["/admin/*"] })]);
  const { grants, narrowings } = planGrants(mesh(s), s);
  assert.deepEqual(grants.map((g) => g.name), ["allow-1"]);
  assert.deepEqual(narrowings, []);
});

test("a deny on part of an allowed path cannot be written: that allow is dropped and reported", () => {
  const s = svc("a/s", [rule({ paths: ["/files/*"] })], [rule({ paths: ["/files/secret*"] })]);
  const { grants, narrowings } = planGrants(mesh(s), s);
  assert.deepEqual(grants, []);
  assert.deepEqual(narrowings.map((n) => n.lost), [["the rest of /files/*"]]);
});
