// Acceptance, end to end: a policy change on a branch → plan → pr opens a PR → the bot comments and
// annotates → a second push updates the same comment, with annotations on the right file and line.
// Real git (bare remote on disk); GitHub is a local server that validates every request against
// GitHub's REST description.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";
import { startFakeGitHub, type FakeGitHub } from "../support/github-server.ts";
import { createPolicyRepo, runCli, type PolicyRepo } from "./policy-repo.ts";

let repo: PolicyRepo;
let github: FakeGitHub;
let env: Record<string, string>;

before(async () => {
  repo = await createPolicyRepo();
  github = await startFakeGitHub({ owner: "acme", repo: "mesh", token: "s3cret", branchSha: (b) => repo.remoteSha(b) });
  env = { GITHUB_TOKEN: "s3cret", GITHUB_API_URL: github.url };
});
after(async () => {
  await github.close();
  repo.dispose();
});

const lineOf = (file: string, needle: string) => readFileSync(path.join(repo.clone, "policies", file), "utf8").split("\n").findIndex((l) => l.includes(needle)) + 1;

async function botPosts(): Promise<string> {
  const plan = path.join(repo.scratch, "plan.json");
  const planned = await runCli(repo.clone, ["plan", "policies", "--base", "origin/main", "--format", "json", "--out", plan]);
  assert.equal(planned.code, 0, `${planned.stderr}${planned.code === 1 ? readFileSync(plan, "utf8").slice(0, 3000) : ""}`);
  const sha = repo.remoteSha("cart-canary");
  const posted = await runCli(repo.clone, ["comment", "--repo", "acme/mesh", "--pr", "1", "--plan", plan, "--sha", sha], env);
  assert.equal(posted.code, 0, posted.stderr);
  return sha;
}

test("plan → pr → comment → second push edits the same comment; annotations on the right lines", { timeout: 600_000 }, async () => {
  await repo.git.checkoutLocalBranch("cart-canary");
  repo.edit("checkout.policy.ts", (t) => t.replace(`method: ["GET", "PUT", "DELETE"] },\n      split: { v1: 90, v2: 10 }`, `method: ["GET", "PUT", "DELETE"] },\n      split: { v1: 50, v2: 50 }`));

  const plan = await runCli(repo.clone, ["plan", "--base", "main", "--detailed-exitcode"]);
  assert.equal(plan.code, 2, plan.stderr);
  assert.match(plan.stdout, /1 service changed; routes: 1 changed/);
  assert.match(plan.stdout, /split v1 90% · v2 10% → v1 50% · v2 50%/);

  const opened = await runCli(repo.clone, ["pr", "--repo", "acme/mesh", "--title", "Shift half of cart to v2"], env);
  assert.equal(opened.code, 0, opened.stderr);
  assert.match(opened.stdout, /opened pull request #1/);
  assert.ok(repo.remoteSha("cart-canary"), "the branch was pushed");
  assert.equal(github.pulls.length, 1);
  assert.equal(github.pulls[0]!.base.ref, "main");
  assert.match(github.pulls[0]!.body, /split v1 90% · v2 10% → v1 50% · v2 50%/);

  const firstSha = await botPosts();
  assert.equal(github.comments.length, 1);
  const commentId = github.comments[0]!.id;
  assert.match(github.comments[0]!.body, /^<!-- typemesh:plan -->/);

  // Second push: retries on the catch-all route, POST included: a risk with a line to point at.
  repo.edit("checkout.policy.ts", (t) => t.replace(`      split: { v1: 90, v2: 10 },\n      timeout: "3s",`, `      split: { v1: 90, v2: 10 },\n      timeout: "3s",\n      retries: { attempts: 3, perTryTimeout: "1s", retryOn: ["5xx"], retryNonIdempotent: true },`));
  const updated = await runCli(repo.clone, ["pr", "--repo", "acme/mesh"], env);
  assert.equal(updated.code, 0, updated.stderr);
  assert.match(updated.stdout, /updated pull request #1/);
  assert.equal(github.pulls.length, 1, "no second pull request");
  assert.match(github.pulls[0]!.body, /retries on a non-idempotent method/);

  const secondSha = await botPosts();
  assert.notEqual(secondSha, firstSha);
  assert.equal(github.comments.length, 1, "still one comment");
  assert.equal(github.comments[0]!.id, commentId, "the same comment, edited in place");
  assert.match(github.comments[0]!.body, /retries on a non-idempotent method/);
  assert.ok(github.requests.some((r) => r.operationId === "issues/update-comment"));
  assert.equal(github.requests.filter((r) => r.operationId === "issues/create-comment").length, 1);

  const run = github.checkRuns.at(-1)!;
  assert.equal(run.head_sha, secondSha);
  const annotations = run.output.annotations as { path: string; start_line: number; title: string }[];
  const retry = annotations.find((a) => a.title === "retries on a non-idempotent method");
  assert.ok(retry, JSON.stringify(annotations));
  assert.equal(retry.path, "policies/checkout.policy.ts");
  // The route object of "default" starts on the line before its name.
  assert.equal(retry.start_line, lineOf("checkout.policy.ts", `name: "default"`) - 1);
  const warning = annotations.find((a) => a.title === "TM1007 warning");
  assert.ok(warning, "the retry-budget warning is annotated too");
  assert.equal(warning.path, "policies/checkout.policy.ts");
  assert.equal(warning.start_line, lineOf("checkout.policy.ts", "retries: { attempts: 3"));

  const invalid = github.requests.filter((r) => r.problems.length > 0);
  assert.deepEqual(invalid, [], "every request matches GitHub's REST description");
});
