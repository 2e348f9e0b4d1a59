// `typemesh rollout` as CI runs it: a separate process that can die without harming the rollout, exit
// codes 0 (promoted) and 3 (rolled back), and `rollout status` from a new process telling the truth.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import path from "node:path";
import { describe, test } from "node:test";
import { startLiveMesh, until } from "./harness.ts";

const cli = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../../bin/typemesh.js");
/** Runs the CLI without blocking: the mesh it talks to lives in this very process. */
function run(args: string[], timeoutMs = 60_000): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => { stdout += c.toString(); });
    child.stderr.on("data", (c: Buffer) => { stderr += c.toString(); });
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.once("exit", (status) => { clearTimeout(timer); resolve({ status, stdout, stderr }); });
  });
}

const steps = ["--steps", "20,50,100", "--interval", "1500ms", "--min-requests", "40", "--min-success", "99", "--max-p99", "1s"];

describe("rollout CLI", { timeout: 120_000 }, () => {
  test("killing the CLI mid-rollout leaves the control plane to finish it; status from a new process shows the truth", async () => {
    const mesh = await startLiveMesh();
    try {
      // Long enough steps (4 s) that the rollout is still under way when the second CLI asks.
      const slow = steps.map((s) => (s === "1500ms" ? "4s" : s));
      const child = spawn(process.execPath, [cli, "rollout", "start", "--service", "catalog", "--to", "v2", ...slow, "--control-plane", mesh.url, "--token", mesh.token], { stdio: ["ignore", "pipe", "pipe"] });
      let output = "";
      child.stdout.on("data", (c: Buffer) => { output += c.toString(); });
      await until("the CLI to start the rollout", () => /started rollout/.test(output), 30_000);
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGKILL");
      await exited;
      const status = await run(["rollout", "status", "--service", "catalog", "--format", "json", "--control-plane", mesh.url, "--token", mesh.token]);
      assert.equal(status.status, 0, status.stderr);
      const seen = JSON.parse(status.stdout) as { phase: string; service: string };
      assert.equal(seen.service, "shop/catalog");
      assert.equal(seen.phase, "progressing", "the rollout goes on without the CLI");
      const watch = await run(["rollout", "status", "--service", "catalog", "--watch", "--control-plane", mesh.url, "--token", mesh.token]);
      assert.equal(watch.status, 0, `${watch.stdout}\n${watch.stderr}`);
      assert.match(watch.stdout, /promoted/);
    } finally {
      await mesh.stop();
    }
  });

  test("a rollout that fails its gate exits 3 with the figures that failed it", async () => {
    const mesh = await startLiveMesh({ errorRate: 0.2 });
    try {
      const result = await run(["rollout", "start", "--service", "catalog", "--to", "v2", ...steps, "--control-plane", mesh.url, "--token", mesh.token]);
      assert.equal(result.status, 3, `${result.stdout}\n${result.stderr}`);
      assert.match(result.stdout, /rolled-back/);
      assert.match(result.stdout, /success rate [\d.]+% < 99%/);
    } finally {
      await mesh.stop();
    }
  });
});
