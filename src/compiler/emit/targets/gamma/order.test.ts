import assert from "node:assert/strict";
import { test } from "node:test";
import type { Atom } from "./atoms.ts";
import { preserveFirstMatch } from "./order.ts";

const atom = (partial: Partial<Atom> = {}): Atom => ({ headers: [], query: [], ...partial });
const header = (name: string, value: string) => ({ name, match: { kind: "exact" as const, value } });

test("an earlier header route gets the intersection with a later, more specific path route", () => {
  const canary = atom({ headers: [header("x-canary", "1")] });
  const cart = atom({ path: { kind: "prefix", value: "/cart" }, method: "GET" });
  const { atoms, problems } = preserveFirstMatch([[canary], [cart]], "gateway-api");
  assert.deepEqual(problems, []);
  assert.deepEqual(atoms[0], [canary, atom({ path: { kind: "prefix", value: "/cart" }, method: "GET", headers: [header("x-canary", "1")] })]);
  assert.deepEqual(atoms[1], [cart]);
});

test("disjoint routes and routes already more specific are left alone", () => {
  const get = atom({ path: { kind: "exact", value: "/a" }, method: "GET" });
  const post = atom({ path: { kind: "prefix", value: "/a" }, method: "POST" });
  const rest = atom();
  assert.deepEqual(preserveFirstMatch([[get], [post], [rest]], "gateway-api").atoms, [[get], [post], [rest]]);
});

test("a RegularExpression path has no known rank in Gateway API, but does in Linkerd", () => {
  const regex = atom({ path: { kind: "regex", value: "^/r/[0-9]+$" } });
  assert.deepEqual(preserveFirstMatch([[regex], [atom()]], "gateway-api").problems, [{ earlier: 0, later: 1, why: "regex-rank" }]);
  assert.deepEqual(preserveFirstMatch([[regex], [atom()]], "linkerd").problems, []);
});

test("ties are left to declared order within a resource and resolved when routes are separate resources", () => {
  const a = atom({ headers: [header("x-a", "1")] });
  const b = atom({ headers: [header("x-b", "1")] });
  assert.deepEqual(preserveFirstMatch([[a], [b]], "linkerd").ties, [{ earlier: 0, later: 1 }]);
  const resolved = preserveFirstMatch([[a], [b]], "linkerd", true);
  assert.deepEqual(resolved.ties, []);
  assert.deepEqual(resolved.atoms[0]![1], atom({ headers: [header("x-a", "1"), header("x-b", "1")] }));
});

test("two expressions on one header have no single-match form", () => {
  const a = atom({ headers: [{ name: "h", match: { kind: "regex", value: "a.*" } }] });
  const b = atom({ path: { kind: "exact", value: "/x" }, headers: [{ name: "h", match: { kind: "regex", value: ".*b" } }] });
  assert.deepEqual(preserveFirstMatch([[a], [b]], "gateway-api").problems, [{ earlier: 0, later: 1, why: "no-single-match" }]);
});
