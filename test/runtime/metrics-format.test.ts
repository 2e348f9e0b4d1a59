// Each proxy's /metrics, as Prometheus scrapes it, passes `promtool check metrics` (Debian's prometheus
// package; .ci/run installs it), and its request counts and duration histogram agree with the traffic
// that was actually sent, on the caller's side and on the callee's.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { Agent } from "node:http";
import { after, before, test } from "node:test";
import { adminGet, demoBundle, LiveMesh, withRelaxedTimeouts } from "./support/mesh.ts";

const PROMTOOL = "promtool";

/** Why promtool cannot run here, or undefined. In CI (CI=true) a missing promtool fails instead. */
function promtoolMissing(): string | undefined {
  if (spawnSync(PROMTOOL, ["--version"], { stdio: "ignore" }).status === 0) return undefined;
  const why = "promtool is missing: install Debian's prometheus package (.ci/run does)";
  if (process.env.CI === "true") throw new Error(why);
  return why;
}

/** The sum of a metric's samples whose labels contain every `key="value"` given (none: any sample). */
function sampleSum(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split("\n")) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (!Object.entries(labels).every(([key, value]) => line.includes(`${key}="${value}"`))) continue;
    sum += Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return sum;
}

let mesh: LiveMesh;
before(async () => {
  mesh = await LiveMesh.start({ bundle: withRelaxedTimeouts(await demoBundle()), workloads: [
    { service: "frontend", version: "v1" }, { service: "checkout", version: "v1" }, { service: "checkout", version: "v2" },
  ] });
  await mesh.waitForSync();
});
after(() => mesh?.stop());

test("every proxy's /metrics passes promtool check metrics and counts what was sent", { timeout: 60_000, skip: promtoolMissing() }, async () => {
  const agent = new Agent({ keepAlive: true, maxSockets: 4 });
  const SENT = 25;
  for (let i = 0; i < SENT; i++) assert.equal((await mesh.send("frontend", "checkout", { path: "/cart", agent })).status, 200);
  const unknown = await mesh.send("frontend", "nowhere.shop", { agent });
  assert.equal(unknown.status, 404);
  agent.destroy();

  const caller = (await adminGet(mesh.workload("frontend", "v1").ports.admin, "/metrics")).body;
  // checkout's /cart route splits between v1 and v2: the callee's side is both proxies together.
  const callees = await Promise.all(["v1", "v2"].map(async (v) => (await adminGet(mesh.workload("checkout", v).ports.admin, "/metrics")).body));
  for (const [who, text] of [["frontend (caller)", caller], ["checkout v1 (callee)", callees[0]!], ["checkout v2 (callee)", callees[1]!]] as const) {
    const check = spawnSync(PROMTOOL, ["check", "metrics"], { input: text, encoding: "utf8" });
    assert.equal(check.status, 0, `promtool check metrics on ${who}'s /metrics: ${check.stdout}${check.stderr}`);
    assert.equal(`${check.stdout}${check.stderr}`.trim(), "", `promtool had remarks on ${who}'s /metrics`);
  }

  const toCheckout = { reporter: "source", destination_service: "shop/checkout", response_code: "200" };
  assert.equal(sampleSum(caller, "typemesh_requests_total", toCheckout), SENT);
  assert.equal(sampleSum(caller, "typemesh_request_duration_seconds_count", toCheckout), SENT);
  assert.equal(sampleSum(caller, "typemesh_request_duration_seconds_bucket", { ...toCheckout, le: "+Inf" }), SENT);
  assert.ok(sampleSum(caller, "typemesh_request_duration_seconds_sum", toCheckout) > 0);
  // A Host the mesh does not know is counted under "unknown", never under the Host itself: an app could
  // otherwise make a new series (kept for the proxy's life) with every request.
  assert.equal(sampleSum(caller, "typemesh_requests_total", { destination_service: "unknown", response_code: "404", response_flags: "unknown-service" }), 1);
  assert.ok(!caller.includes("nowhere.shop"), "the unknown Host became a label value");
  const received = callees.map((text) => sampleSum(text, "typemesh_requests_total", { reporter: "destination", source_workload: "shop/frontend", response_code: "200" }));
  assert.equal(received[0]! + received[1]!, SENT, `checkout v1 and v2 counted ${received.join(" + ")}`);
  const byVersion = ["v1", "v2"].map((v) => sampleSum(caller, "typemesh_requests_total", { ...toCheckout, destination_version: v }));
  assert.deepEqual(byVersion, received, "the caller's per-version counts differ from what each version counted");

  // The process's own resources (process-metrics.ts): these proxies share the test's process.
  const rss = sampleSum(caller, "process_resident_memory_bytes");
  assert.ok(rss > 10 * 2 ** 20 && rss <= process.memoryUsage.rss() * 2, `RSS ${rss}`);
  const heap = { used: sampleSum(caller, "nodejs_heap_size_used_bytes"), total: sampleSum(caller, "nodejs_heap_size_total_bytes") };
  assert.ok(heap.used > 0 && heap.used <= heap.total, JSON.stringify(heap));
  // CPU time only goes up between scrapes, and no further than the process has spent.
  const cpu = sampleSum(caller, "process_cpu_seconds_total");
  const again = sampleSum((await adminGet(mesh.workload("frontend", "v1").ports.admin, "/metrics")).body, "process_cpu_seconds_total");
  const { user, system } = process.cpuUsage();
  assert.ok(cpu > 0 && again >= cpu && again <= (user + system) / 1e6 + 0.01, `${cpu} then ${again}`);
  assert.ok(Math.abs(sampleSum(caller, "process_start_time_seconds") - (Date.now() / 1000 - process.uptime())) < 2);
});
