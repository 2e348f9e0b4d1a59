// The control plane never carries traffic: with it stopped, requests keep flowing on the proxies' last
// good config; a proxy restarted meanwhile comes back with its persisted config (and certificate) and
// serves at once; the control plane restarted on the same state directory brings every proxy back to
// SYNCED on the bundle that was in force.
import assert from "node:assert/strict";
import { Agent } from "node:http";
import { after, before, test } from "node:test";
import type { Bundle } from "../../src/compiler/emit/bundle.ts";
import { adminGet, configDump, demoBundle, inParallel, LiveMesh, metricValue, waitFor, withRelaxedTimeouts, type RunningWorkload } from "./support/mesh.ts";

let mesh: LiveMesh;
let bundle: Bundle;
const agent = new Agent({ keepAlive: true, maxSockets: 8 });

before(async () => {
  bundle = withRelaxedTimeouts(await demoBundle());
  mesh = await LiveMesh.start({
    bundle,
    workloads: [{ service: "frontend", version: "v1" }, { service: "checkout", version: "v1" }, { service: "checkout", version: "v2" }],
  });
});
after(async () => {
  agent.destroy();
  await mesh?.stop();
});

/** 50 requests each way between frontend and checkout; returns the answers that were not 200. */
async function traffic(): Promise<string[]> {
  const replies = await inParallel(100, 4, (i) => i % 2 === 0
    ? mesh.send("frontend", "checkout", { path: "/cart/items", agent })
    : mesh.send("checkout", "frontend", { path: "/static/app.js", agent }));
  return replies.filter((r) => r.status !== 200).map((r) => `${r.status} ${r.reason ?? ""} ${r.body.slice(0, 100)}`);
}

async function disconnected(w: RunningWorkload): Promise<boolean> {
  const dump = await configDump(w);
  return !dump.controlPlaneConnected;
}

test("control plane down, a proxy restarted, control plane back: traffic never stops and every proxy resyncs", { timeout: 90_000 }, async (t) => {
  const before = new Map<string, string | null>();
  for (const w of mesh.workloads) before.set(w.id, (await configDump(w)).version);
  assert.deepEqual(await traffic(), []);

  await mesh.stopControlPlane();
  for (const w of mesh.workloads) await waitFor(() => disconnected(w), 5000, () => `${w.id} still thinks it is connected`);
  assert.deepEqual(await traffic(), [], "requests failed with the control plane down");
  for (const w of mesh.workloads) {
    const metrics = (await adminGet(w.ports.admin, "/metrics")).body;
    assert.equal(metricValue(metrics, "typemesh_proxy_control_plane_connected"), 0, `${w.id}'s connected gauge`);
  }

  // Restarted while the control plane is away, the callee and the caller each serve their persisted config.
  for (const id of ["checkout-v1", "frontend-v1"]) {
    const w = mesh.workloads.find((o) => o.id === id)!;
    await mesh.restartProxy(w);
    const dump = await configDump(w);
    assert.equal(dump.version, before.get(id), `${id} came back without its persisted config`);
    assert.equal(dump.controlPlaneConnected, false);
    assert.equal((await adminGet(w.ports.admin, "/ready")).status, 200, `${id} is not ready on its persisted config`);
  }
  assert.deepEqual(await traffic(), [], "requests failed through proxies restarted without a control plane");
  const v1 = mesh.workload("checkout", "v1");
  assert.ok(v1.app.count() > 0);

  // Traffic keeps running while the proxies rejoin: a view published before every endpoint is back
  // would send calls nowhere (the rejoin window, control-plane.ts).
  let rejoining = true;
  const during: string[] = [];
  const loop = (async () => { while (rejoining) during.push(...await traffic()); })();
  await mesh.startControlPlane();
  await mesh.waitForSync(20_000);
  await new Promise((resolve) => setTimeout(resolve, 500));
  rejoining = false;
  await loop;
  assert.deepEqual(during.slice(0, 5), [], `${during.length} requests failed while the proxies rejoined the restarted control plane`);
  const status = mesh.cp!.status();
  assert.equal(status.bundle?.version, bundle.version, "the restarted control plane lost the bundle in force");
  for (const p of status.proxies) assert.equal(p.bundleVersion, bundle.version);
  for (const w of mesh.workloads) {
    const dump = await configDump(w);
    assert.equal(dump.controlPlaneConnected, true);
    // Endpoints did not change, so neither did any view.
    assert.equal(dump.version, before.get(w.id), `${w.id}'s view changed across the outage`);
  }
  assert.deepEqual(await traffic(), []);
  t.diagnostic(`proxies after the restart: ${status.proxies.map((p) => `${p.id} ${p.state} ${p.configVersion}`).join(", ")}`);
});
