// The differ on hand-built meshes: what counts as a change, worst-case latency, who may call whom,
// which risks are raised (and which are old news), and replay.
import assert from "node:assert/strict";
import { test } from "node:test";
import { access, PLAINTEXT, widened } from "./authz.ts";
import { worstCaseMs } from "./describe.ts";
import { diffMeshes } from "./diff.ts";
import { replay } from "./replay.ts";
import { at, mesh, route, service } from "./test-mesh.ts";

const retries = { attempts: 2, perTryTimeoutMs: 400, retryOn: ["5xx"], retryOnStatus: [], backoff: { baseMs: 25, maxMs: 100 }, retryNonIdempotent: false };

test("only source positions moved: no change", () => {
  const moved = service("a", { source: at(99), routes: [route("default", { source: at(42) })] });
  assert.equal(diffMeshes(mesh(service("a")), mesh(moved)).verdict, "no-change");
});

test("worst case: the timeout bounds retries; without it, tries plus backoffs; else unbounded", () => {
  assert.equal(worstCaseMs(route("r", { timeoutMs: 1000, retries })), 1000);
  assert.equal(worstCaseMs(route("r", { retries })), 3 * 400 + 2 * 100);
  assert.equal(worstCaseMs(route("r")), undefined);
});

test("access: deny wins, no allow rule admits everyone, an allow rule limits to what it names", () => {
  const open = service("a");
  assert.equal(access(open, "shop/b").level, "all");
  assert.equal(access(open, PLAINTEXT).detail, "refused: mTLS required");
  const limited = service("a", { authorization: { allow: [{ from: ["shop/b"], methods: ["GET"], source: at(3) }], deny: [] } });
  assert.equal(access(limited, "shop/b").level, "some");
  assert.equal(access(limited, "shop/c").level, "none");
  const denied = service("a", { authorization: { allow: [], deny: [{ from: ["shop/b"], source: at(4) }] } });
  assert.equal(access(denied, "shop/b").level, "none");
  assert.ok(widened(access(limited, "shop/c"), access(open, "shop/c")));
  assert.ok(!widened(access(open, "shop/c"), access(limited, "shop/c")));
});

test("risks: widened authz and a new POST retry are raised; an existing one is old news", () => {
  const before = mesh(service("a", { authorization: { allow: [{ from: ["shop/b"], source: at(3) }], deny: [] } }), service("b"), service("c"));
  const after = mesh(
    service("a", { authorization: { allow: [{ from: ["shop/b"], source: at(3) }, { from: ["shop/c"], source: at(5) }], deny: [] } }),
    service("b", { routes: [route("default", { retries: { ...retries, retryNonIdempotent: true } })] }), service("c"));
  const d = diffMeshes(before, after);
  assert.deepEqual(d.risks.map((r) => [r.code, r.service]).filter(([c]) => c !== "emit-unsupported"), [["authz-widened", "shop/a"], ["non-idempotent-retry", "shop/b"]]);
  assert.deepEqual(d.risks[0]!.location, at(5), "points at the new allow rule");
  assert.deepEqual(diffMeshes(after, after).risks, []);
});

test("a route after one that covers it is flagged as never matching", () => {
  const cart = { path: { kind: "prefix" as const, value: "/cart" }, headers: [], query: [] };
  const items = { path: { kind: "prefix" as const, value: "/cart/items" }, headers: [], query: [], methods: ["GET" as const] };
  const after = mesh(service("a", { routes: [route("cart", { matches: [cart] }), route("items", { matches: [items] }), route("default")] }));
  const risk = diffMeshes(mesh(service("a")), after).risks.find((r) => r.code === "unreachable-route");
  assert.match(risk?.message ?? "", /route items of shop\/a .* can never match: route cart before it/);
});

test("replay counts requests whose destination or authorization changes", () => {
  const before = mesh(service("a"), service("b"));
  const after = mesh(service("a", {
    routes: [route("default", { destinations: [{ version: "v2", weight: 100 }] })],
    authorization: { allow: [{ from: ["shop/b"], methods: ["GET"], source: at(3) }], deny: [] },
  }), service("b"));
  const result = replay(before, after, [{ from: "shop/b", to: "shop/a" }, { from: "shop/b", to: "shop/a", method: "POST" }, { from: "shop/a", to: "shop/b" }]);
  assert.equal(result.samples, 3);
  assert.equal(result.changedDestination, 2);
  assert.equal(result.changedAuthorization, 1);
  assert.match(result.examples[1]!.after, /deny \(no-matching-allow-rule\)/);
});
