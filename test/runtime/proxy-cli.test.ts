// `typemesh proxy` as its own process, as docs/cli.md shows it (--service, --version, --app), joins a
// live control plane, takes its view and carries a request to the mesh.
import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";
import { SIDECAR_MALLOC_LINE } from "../../src/cli/sidecar-environment.ts";
import { demoBundle, LiveMesh, repo, send, waitFor, withRelaxedTimeouts } from "./support/mesh.ts";

let mesh: LiveMesh;
let child: ChildProcess | undefined;
let output = "";

before(async () => {
  mesh = await LiveMesh.start({ bundle: withRelaxedTimeouts(await demoBundle()), workloads: [{ service: "frontend", version: "v1" }] });
});
after(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child!.once("exit", resolve));
    child.kill("SIGTERM");
    await exited;
  }
  await mesh?.stop();
});

test("typemesh proxy --service shopper --version v1 joins, syncs and serves", { timeout: 60_000 }, async () => {
  child = spawn(process.execPath, [
    path.join(repo, "bin/typemesh.js"), "proxy", "--service", "shopper", "--version", "v1", "--app", "127.0.0.1:9",
    "--control-plane", mesh.url, "--id", "shopper-cli", "--outbound", "0", "--inbound", "0", "--admin", "0",
    "--state-dir", path.join(mesh.work, "cli-proxy"),
  ], { cwd: repo, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout!.on("data", (chunk: Buffer) => { output += chunk.toString(); });
  child.stderr!.on("data", (chunk: Buffer) => { output += chunk.toString(); });
  const ports = await waitFor(() => /proxy shopper-cli outbound \S+:(\d+) inbound \S+:(\d+) admin \S+:(\d+)/.exec(output) ?? (child!.exitCode !== null && new Error(output)), 30_000, () => output);
  assert.ok(!(ports instanceof Error), `the proxy exited:\n${output}`);
  const proxy = await waitFor(() => mesh.status().find((p) => p.id === "shopper-cli" && p.state === "SYNCED"), 20_000, () => `${JSON.stringify(mesh.status())}\n${output}`);
  assert.equal(proxy.version, "v1");
  assert.equal(proxy.service, "shop/shopper");
  const reply = await send(Number(ports[1]), "frontend", { path: "/static/app.js" });
  assert.equal(reply.status, 200, `${reply.status} ${reply.reason ?? ""} ${reply.body}`);
  assert.equal(reply.echo?.service, "frontend");
});

/**
 * `typemesh proxy` with one option and --help after it: the value is parsed, and a good one ends in the
 * help, not in a proxy. Each value is run once.
 */
function proxyWith(option: string, value: string) {
  return spawnSync(process.execPath, [
    path.join(repo, "bin/typemesh.js"), "proxy", "--service", "shopper", "--version", "v1", "--app", "127.0.0.1:9", option, value, "--help",
  ], { cwd: repo, encoding: "utf8" });
}

test("typemesh proxy --old-generation-budget takes a whole number of MB, 0 or more (else exit 64, naming the value)", () => {
  for (const good of ["0", "16"]) {
    const result = proxyWith("--old-generation-budget", good);
    assert.equal(result.status, 0, `--old-generation-budget ${good}: ${result.stderr}`);
  }
  for (const bad of ["-1", "2.5", "lots"]) {
    const result = proxyWith("--old-generation-budget", bad);
    assert.equal(result.status, 64, `--old-generation-budget ${bad}: exit ${result.status}\n${result.stderr}`);
    assert.ok(result.stderr.includes(JSON.stringify(bad)), result.stderr);
  }
});

test("typemesh proxy --tune takes memory or throughput (else exit 64, naming the choices)", () => {
  for (const good of ["memory", "throughput"]) {
    const result = proxyWith("--tune", good);
    assert.equal(result.status, 0, `--tune ${good}: ${result.stderr}`);
  }
  const result = proxyWith("--tune", "fast");
  assert.equal(result.status, 64, `--tune fast: exit ${result.status}\n${result.stderr}`);
  assert.match(result.stderr, /'fast' is invalid\. Allowed choices are memory, throughput/);
});

test("typemesh proxy --help and docs/cli.md name the same allocator settings to deploy a sidecar with", () => {
  const help = spawnSync(process.execPath, [path.join(repo, "bin/typemesh.js"), "proxy", "--help"], { cwd: repo, encoding: "utf8" });
  assert.equal(help.status, 0, help.stderr);
  assert.ok(help.stdout.includes(`Deploy with ${SIDECAR_MALLOC_LINE}`), help.stdout);
  const docs = readFileSync(path.join(repo, "docs/cli.md"), "utf8").replace(/`/g, "").replace(/\s+/g, " ");
  assert.ok(docs.includes(`Deploying a sidecar: set ${SIDECAR_MALLOC_LINE}**`), "docs/cli.md's deployment settings differ from the proxy's");
});
