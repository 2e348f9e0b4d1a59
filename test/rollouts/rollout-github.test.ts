// The GitHub side of a rollout: `typemesh rollout report` sets a commit status on the shipped commit and
// keeps one comment on the merged PR, against a local GitHub that validates every request against
// GitHub's REST description.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import path from "node:path";
import { test } from "node:test";
import { startFakeGitHub } from "../support/github-server.ts";
import { startLiveMesh, until } from "./harness.ts";

const cli = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../../bin/typemesh.js");
const sha = "9f2c4e1a7b3d5f6e8a9b0c1d2e3f4a5b6c7d8e9f";

function run(args: string[], env: Record<string, string>): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => { stdout += c.toString(); });
    child.stderr.on("data", (c: Buffer) => { stderr += c.toString(); });
    child.once("exit", (status) => resolve({ status, stdout, stderr }));
  });
}

test("a rolled-back rollout becomes a failing commit status and one comment on the merged PR", { timeout: 90_000 }, async () => {
  const mesh = await startLiveMesh({ errorRate: 0.2 });
  const github = await startFakeGitHub({ owner: "acme", repo: "mesh", token: "gh-token", branchSha: () => sha, pullsOfCommit: (s) => (s === sha ? [1] : []) });
  try {
    github.pulls.push({ number: 1, title: "catalog v2", body: "", head: { ref: "catalog-v2", sha }, base: { ref: "main" }, state: "closed" });
    mesh.cp.rollouts.start({ service: "shop/catalog", from: "v1", to: "v2", steps: [20, 100], intervalMs: 1500, gates: { minSuccessRate: 99, minRequests: 40 }, failureThreshold: 0 }, mesh.bundle);
    await until("rollback", () => mesh.cp.rollouts.find("catalog")?.phase === "rolled-back", 40_000);
    const env = { GITHUB_TOKEN: "gh-token", GITHUB_API_URL: github.url, TYPEMESH_ADMIN_TOKEN: mesh.token };
    const args = ["rollout", "report", "--service", "catalog", "--repo", "acme/mesh", "--sha", sha, "--control-plane", mesh.url];
    const first = await run(args, env);
    assert.equal(first.status, 0, first.stderr);
    const second = await run(args, env);
    assert.equal(second.status, 0, second.stderr);

    assert.deepEqual(github.requests.filter((r) => r.problems.length > 0), [], "every request matches GitHub's REST description");
    assert.equal(github.statuses.length, 2);
    assert.equal(github.statuses[0]!.state, "failure");
    assert.equal(github.statuses[0]!.context, "typemesh/rollout shop/catalog");
    assert.match(github.statuses[0]!.description ?? "", /rolled back to v1: gate failed at 20%: success rate/);
    const comments = github.comments.filter((c) => c.issue === 1);
    assert.equal(comments.length, 1, "the second report edits the same comment");
    assert.match(comments[0]!.body, /<!-- typemesh:rollout:shop\/catalog -->/);
    assert.match(comments[0]!.body, /rolled back/);
    assert.match(comments[0]!.body, /\| 1 \| 20% \| \d+ \| [\d.]+% \|/);
    assert.match(second.stdout, /PR #1: updated the comment/);

    const refused = await run(args, { ...env, GITHUB_TOKEN: "wrong" });
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /GitHub refused the token/);
  } finally {
    await github.close();
    await mesh.stop();
  }
});
