// bench/control-plane: the control plane (a child process started by the CLI) with 1,000 simulated
// proxies connected (raw config-stream clients, in this process), then one bundle change through the
// admin API: how long until each proxy has ACKed its new view (p50, p99, the last), until status shows
// every proxy SYNCED on it, and the control plane's RSS.
//
//   node --import tsx bench/control-plane/run.ts [--proxies 1000] [--services 100] [--json out.json]
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { serializeBundle } from "../../src/compiler/emit/bundle.ts";
import { machine, memoryOf, sleep, startCli, type Child } from "../support/processes.ts";
import { percentile } from "../support/stats.ts";
import { benchBundle, serviceName } from "./bench-mesh.ts";
import { closeProxies, connectProxies, now, type FakeProxy } from "./fake-proxies.ts";

const { values: args } = parseArgs({
  options: {
    proxies: { type: "string", default: "1000" },
    services: { type: "string", default: "100" },
    json: { type: "string" },
  },
});
const PROXIES = Number(args.proxies);
const SERVICES = Number(args.services);
const TOKEN = "bench-admin-token";

function admin(url: string, method: string, pathname: string, body?: string): Promise<{ status: number; json: any }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : Buffer.from(body);
    const req = request(`${url}${pathname}`, { method, agent: false, headers: { authorization: `Bearer ${TOKEN}`, ...(payload && { "content-length": payload.length }) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString()) }));
    });
    req.on("error", reject);
    req.end(payload);
  });
}

async function allSynced(url: string, bundleVersion: string): Promise<boolean> {
  const { json } = await admin(url, "GET", "/api/proxies");
  const proxies = json as { state: string; bundleVersion?: string }[];
  return proxies.length === PROXIES && proxies.every((p) => p.state === "SYNCED" && p.bundleVersion === bundleVersion);
}


let cp: Child | undefined;
let proxies: FakeProxy[] = [];
const work = mkdtempSync(path.join(os.tmpdir(), "typemesh-bench-cp-"));

async function main(): Promise<void> {
  const where = machine();
  const startedAt = new Date();
  process.stdout.write(`bench/control-plane on ${where.cpus}× ${where.cpuModel}, ${where.memoryGb} GB, Node ${where.node}, load average ${where.load}\n`);
  process.stdout.write(`${PROXIES} simulated proxies over ${SERVICES} services × 2 versions\n\n`);
  const before = benchBundle(SERVICES, 90);
  const after = benchBundle(SERVICES, 80);
  const bundleFile = path.join(work, "bundle.json");
  writeFileSync(bundleFile, serializeBundle(before));
  cp = startCli("control plane", ["control-plane", "--bundle", bundleFile, "--port", "0", "--state-dir", path.join(work, "cp"), "--token", TOKEN]);
  const url = (await cp.waitFor(/control plane listening on (http:\/\/\S+)/))[1]!;
  await cp.waitFor(/applied bundle/);
  const idle = memoryOf(cp.process.pid);

  const connectStart = now();
  proxies = await connectProxies(url, PROXIES, Array.from({ length: SERVICES }, (_, i) => serviceName(i)));
  const connected = now() - connectStart;
  for (let deadline = Date.now() + 120_000; !(await allSynced(url, before.version));) {
    if (Date.now() > deadline) throw new Error("the proxies did not all sync on the first bundle");
    await sleep(200);
  }
  const synced = now() - connectStart;
  process.stdout.write(`${PROXIES} proxies connected in ${(connected / 1000).toFixed(2)} s, all SYNCED after ${(synced / 1000).toFixed(2)} s\n`);
  await sleep(2000);
  const steady = memoryOf(cp.process.pid);

  const applyAt = now();
  const applied = await admin(url, "POST", "/api/bundles", serializeBundle(after));
  const answeredIn = now() - applyAt;
  if (applied.status !== 200 || !applied.json.changed) throw new Error(`the change was refused: ${JSON.stringify(applied.json)}`);
  for (let deadline = Date.now() + 60_000; proxies.some((p) => !p.acked.has(after.version));) {
    if (Date.now() > deadline) throw new Error(`${proxies.filter((p) => !p.acked.has(after.version)).length} proxies never got the change`);
    await sleep(10);
  }
  const latencies = proxies.map((p) => p.acked.get(after.version)! - applyAt).sort((a, b) => a - b);
  while (!(await allSynced(url, after.version))) await sleep(20);
  const statusAt = now() - applyAt;
  const peak = memoryOf(cp.process.pid);

  const s = (ms: number) => `${(ms / 1000).toFixed(3)} s`;
  const table = [
    "| measure | value | target | |",
    "|---|---|---|---|",
    `| admin API answered the apply | ${s(answeredIn)} | | |`,
    `| ACKed the new view: p50 | ${s(percentile(latencies, 50))} | | |`,
    `| ACKed the new view: p99 | ${s(percentile(latencies, 99))} | ≤ 2 s | ${percentile(latencies, 99) <= 2000 ? "met" : "MISSED"} |`,
    `| ACKed the new view: the last | ${s(latencies.at(-1)!)} | | |`,
    `| status shows all ${PROXIES} SYNCED on it | ${s(statusAt)} | | |`,
    `| control-plane RSS: idle, with ${PROXIES} proxies, peak | ${idle?.rssMb.toFixed(0)} MB, ${steady?.rssMb.toFixed(0)} MB, ${peak?.peakMb.toFixed(0)} MB | ≤ 300 MB | ${(peak?.peakMb ?? Infinity) <= 300 ? "met" : "MISSED"} |`,
  ].join("\n");
  process.stdout.write(`\n${table}\n`);
  if (args.json) {
    writeFileSync(args.json, `${JSON.stringify({
      machine: where, date: startedAt.toISOString(), proxies: PROXIES, services: SERVICES, connectedMs: connected, syncedMs: synced,
      applyAnsweredMs: answeredIn, ackMs: { p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: latencies.at(-1) }, statusSyncedMs: statusAt,
      rssMb: { idle: idle?.rssMb, steady: steady?.rssMb, peak: peak?.peakMb },
    }, null, 2)}\n`);
  }
}

try {
  await main();
} finally {
  closeProxies(proxies);
  await cp?.stop();
  rmSync(work, { recursive: true, force: true });
}
