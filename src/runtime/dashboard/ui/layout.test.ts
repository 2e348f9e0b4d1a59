import assert from "node:assert/strict";
import { test } from "node:test";
import { layout, NODE } from "./layout.ts";

const e = (source: string, destination: string) => ({ key: `${source}->${destination}`, source, destination });

test("callers sit left of callees; an edge that skips a column bends around the service in it", () => {
  const placed = layout({
    nodes: ["shopper", "frontend", "checkout", "catalog", "payments", "idle"],
    edges: [e("shopper", "frontend"), e("frontend", "checkout"), e("frontend", "catalog"), e("checkout", "catalog"), e("checkout", "payments")],
  });
  const x = (id: string) => placed.nodes.get(id)!.x;
  assert.ok(x("shopper") < x("frontend") && x("frontend") < x("checkout") && x("checkout") < x("catalog"));
  assert.equal(x("catalog"), x("payments"));
  assert.ok(x("idle") > x("catalog"), "a service without edges goes in a column of its own");
  const skip = placed.edges.get("frontend->catalog")!;
  assert.equal(skip.length, 3, "one waypoint in the checkout column");
  const checkout = placed.nodes.get("checkout")!;
  const waypoint = skip[1]!;
  assert.ok(waypoint.y < checkout.y || waypoint.y > checkout.y + NODE.height, "the waypoint is above or below checkout, not through it");
});

test("the same graph gives the same picture", () => {
  const input = { nodes: ["c", "a", "b"], edges: [e("a", "b"), e("a", "c")] };
  const one = layout(input);
  const two = layout({ nodes: ["b", "c", "a"], edges: [e("a", "c"), e("a", "b")] });
  assert.deepEqual([...one.nodes], [...two.nodes]);
});
