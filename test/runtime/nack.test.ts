// A bundle one proxy cannot apply: a proxy that accepts views of at most 100 kB gets a bigger one. It
// NACKs, keeps serving on its last good config, and the control plane parks it: status (and the
// `typemesh status` CLI) shows NACKED with the reason, and the view is not pushed again until it
// changes. Every other proxy takes the new bundle.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import path from "node:path";
import { after, before, test } from "node:test";
import { createBundle, type Bundle } from "../../src/compiler/emit/bundle.ts";
import { ADMIN_TOKEN, adminGet, configDump, demoBundle, LiveMesh, metricValue, repo, waitFor, withRelaxedTimeouts, type RunningWorkload } from "./support/mesh.ts";

const LIMIT = 100_000;

/** The bundle with a 200 kB response header on frontend's pages: every view that names frontend grows. */
function oversized(bundle: Bundle): Bundle {
  const ir = structuredClone(bundle.ir);
  const pages = ir.services.find((s) => s.id === "shop/frontend")!.routes.find((r) => r.name === "pages")!;
  pages.responseHeaders!.set["x-padding"] = "p".repeat(200_000);
  return createBundle(ir);
}

let mesh: LiveMesh;
let base: Bundle;
let shopper: RunningWorkload;

before(async () => {
  base = withRelaxedTimeouts(await demoBundle());
  mesh = await LiveMesh.start({ bundle: base, workloads: [{ service: "frontend", version: "v1" }, { service: "checkout", version: "v1" }] });
  shopper = await mesh.addWorkload({ service: "shopper", version: "v1" }, { maxViewBytes: LIMIT });
  await mesh.waitForSync();
});
after(() => mesh?.stop());

const rejections = async () => metricValue((await adminGet(shopper.ports.admin, "/metrics")).body, "typemesh_proxy_config_rejections_total");
const rejectionLogs = () => mesh.logs.filter((line) => line.startsWith("shopper-v1: rejected config")).length;

function typemeshStatus(): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(repo, "bin/typemesh.js"), "status", "--control-plane", mesh.url, "--token", ADMIN_TOKEN], {
      cwd: repo, env: { ...process.env, NO_COLOR: "1" }, stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => { output += chunk.toString(); });
    child.stderr.on("data", (chunk: Buffer) => { output += chunk.toString(); });
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve(output) : reject(new Error(`typemesh status exited ${code}:\n${output}`))));
  });
}

test("a proxy NACKs a view over its limit, keeps its last good config, and is parked, not resent", { timeout: 60_000 }, async (t) => {
  const good = await configDump(shopper);
  assert.ok(good.version, "the shopper proxy has no config");
  assert.ok(JSON.stringify(good.view).length < LIMIT / 2, "the demo's view should fit the limit by far");
  assert.equal(await rejections(), 0);

  const big = oversized(base);
  const outcome = mesh.cp!.apply(big, "test");
  assert.ok(!("error" in outcome) && outcome.changed);
  const nacked = await waitFor(() => mesh.status().find((p) => p.id === "shopper-v1" && p.state === "NACKED"), 10_000,
    () => `shopper never NACKED: ${JSON.stringify(mesh.status())}`);
  assert.match(nacked.error ?? "", /config view is \d+ bytes, over this proxy's limit of 100000/);
  assert.equal(nacked.configVersion, good.version, "status should show the version still in force");
  // Everyone else took the new bundle.
  await waitFor(() => mesh.status().filter((p) => p.id !== "shopper-v1").every((p) => p.state === "SYNCED" && p.bundleVersion === big.version), 10_000,
    () => `the others did not sync: ${JSON.stringify(mesh.status())}`);

  // The last good config stays in force and keeps serving.
  const after = await configDump(shopper);
  assert.equal(after.version, good.version);
  assert.equal(after.bundleVersion, base.version);
  const reply = await mesh.send("shopper", "frontend", { path: "/" });
  assert.equal(reply.status, 200);
  assert.equal(reply.headers["x-padding"], undefined, "the caller's route is the old one");

  // Parked: over a few seconds (stats frames keep flowing meanwhile), the view is not pushed again.
  await new Promise((resolve) => setTimeout(resolve, 3000));
  assert.equal(await rejections(), 1, "the control plane pushed the rejected view again");
  assert.equal(rejectionLogs(), 1);
  assert.equal(mesh.status().find((p) => p.id === "shopper-v1")?.state, "NACKED");

  const printed = await typemeshStatus();
  for (const line of printed.trimEnd().split("\n")) t.diagnostic(line);
  assert.match(printed, /shopper-v1\s+shop\/shopper|shopper-v1\s+shopper/);
  assert.match(printed, new RegExp(`shopper-v1.*${good.version}\\s+NACKED`));
  assert.match(printed, /rejected: config view is \d+ bytes, over this proxy's limit of 100000/);
  assert.match(printed, /frontend-v1.*SYNCED/);
  assert.match(printed, new RegExp(`bundle ${big.version} applied`));

  // A changed view un-parks it: rolling back gives every proxy a view it can apply.
  const rollback = await mesh.admin("POST", "/api/rollback", JSON.stringify({ version: base.version }));
  assert.equal(rollback.status, 200, JSON.stringify(rollback.json));
  await mesh.waitForSync();
  assert.equal((await configDump(shopper)).bundleVersion, base.version);
  assert.equal(await rejections(), 1);
});
