// Hot reload under load: while clients keep sending requests through the sidecars, 50 bundle changes
// in a row (checkout's split weights, every change a new bundle, half through cp.apply and half through
// the admin API) each reach every proxy, and not one request fails. Route timeouts are relaxed
// (support/mesh.ts: a shared machine's scheduling must not fail a request by the clock).
import assert from "node:assert/strict";
import { Agent } from "node:http";
import { after, before, test } from "node:test";
import { createBundle, serializeBundle, type Bundle } from "../../src/compiler/emit/bundle.ts";
import type { MeshIR } from "../../src/compiler/ir/schema.ts";
import { configDump, demoBundle, LiveMesh, waitFor, withRelaxedTimeouts, type Reply } from "./support/mesh.ts";

const CHANGES = 50;
const CLIENTS = 4;

/** The demo bundle with checkout's split routes sending `v1` percent to v1 and the rest to v2. */
function withCheckoutSplit(bundle: Bundle, v1: number): Bundle {
  const ir = structuredClone(bundle.ir) as MeshIR;
  const checkout = ir.services.find((s) => s.id === "shop/checkout")!;
  for (const route of checkout.routes) {
    if (route.destinations.length === 2) route.destinations = [{ version: "v1", weight: v1 }, { version: "v2", weight: 100 - v1 }];
  }
  return createBundle(ir);
}

let base: Bundle;
let mesh: LiveMesh;
before(async () => {
  base = withRelaxedTimeouts(await demoBundle());
  mesh = await LiveMesh.start({ bundle: base });
});
after(() => mesh?.stop());

test(`${CHANGES} bundle changes in a row under continuous load fail no request`, { timeout: 120_000 }, async () => {
  const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS * 2 });
  let running = true;
  const failures: Reply[] = [];
  const completedAt: number[] = [];
  const paths = ["/cart/items", "/", "/cart"];
  // Each client alternates frontend → checkout (the split that changes) and checkout → payments.
  const clients = Array.from({ length: CLIENTS }, async (_, n) => {
    for (let i = 0; running; i++) {
      const reply = i % 4 === 3
        ? await mesh.send("checkout", "payments", { path: "/refunds/7", agent })
        : await mesh.send("frontend", "checkout", { path: paths[(i + n) % paths.length]!, agent });
      if (reply.status !== 200) failures.push(reply);
      completedAt.push(Date.now());
    }
  });

  await waitFor(() => completedAt.length >= 20, 10_000, () => "the load did not start");
  const startedAt = Date.now();
  const versions: string[] = [];
  for (let i = 0; i < CHANGES; i++) {
    // Distinct weights every time (v1 from 50 to 99), so every change is a new bundle and a new view.
    const bundle = withCheckoutSplit(base, 50 + i);
    if (i % 2 === 0) {
      const outcome = mesh.cp!.apply(bundle, "test");
      assert.ok(!("error" in outcome) && outcome.changed, `change ${i} was not applied: ${JSON.stringify(outcome)}`);
    } else {
      const reply = await mesh.admin("POST", "/api/bundles", serializeBundle(bundle));
      assert.equal(reply.status, 200, JSON.stringify(reply.json));
      assert.equal(reply.json.changed, true);
    }
    versions.push(bundle.version);
    // The change is done when every proxy ACKed a view of the new bundle.
    await waitFor(() => {
      const proxies = mesh.status();
      return proxies.length === mesh.workloads.length && proxies.every((p) => p.state === "SYNCED" && p.bundleVersion === bundle.version);
    }, 10_000, () => `change ${i} did not reach every proxy: ${JSON.stringify(mesh.status().map((p) => [p.id, p.state, p.bundleVersion]))}`);
  }
  const finishedAt = Date.now();
  // Some more requests on the last config, then stop the clients.
  const before = completedAt.length;
  await waitFor(() => completedAt.length >= before + 20, 10_000, () => "no requests after the last change");
  running = false;
  await Promise.all(clients);
  agent.destroy();

  const during = completedAt.filter((t) => t >= startedAt && t <= finishedAt).length;
  assert.equal(new Set(versions).size, CHANGES);
  assert.equal(failures.length, 0, `${failures.length} of ${completedAt.length} requests failed: ${failures.slice(0, 5).map((r) => `${r.status} ${r.reason ?? ""} ${r.body.slice(0, 120)}`).join(" | ")}`);
  assert.ok(during >= CHANGES, `only ${during} requests completed while the bundle changed`);
  // The last change is the one in force at the caller: checkout's split is 99/1.
  const dump = await configDump(mesh.workload("frontend"));
  assert.equal(dump.bundleVersion, versions.at(-1));
  const view = dump.view as MeshIR & { outbound: MeshIR["services"] };
  const cart = view.outbound.find((s) => s.id === "shop/checkout")!.routes.find((r) => r.name === "cart")!;
  assert.deepEqual(cart.destinations, [{ version: "v1", weight: 99 }, { version: "v2", weight: 1 }]);
  assert.equal(mesh.cp!.history().at(-1)?.version, versions.at(-1));
});
