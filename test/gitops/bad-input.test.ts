// Acceptance 5, bad input: a base ref that does not exist, a base that does not compile, a dirty
// worktree, a missing or wrong token: each a clear message and a documented exit code, nothing pushed.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";
import { startFakeGitHub, type FakeGitHub } from "../support/github-server.ts";
import { createPolicyRepo, runCli, type PolicyRepo } from "./policy-repo.ts";

let repo: PolicyRepo;
let github: FakeGitHub;

before(async () => {
  repo = await createPolicyRepo();
  github = await startFakeGitHub({ owner: "acme", repo: "mesh", token: "s3cret", branchSha: (b) => repo.remoteSha(b) });
});
after(async () => {
  await github.close();
  repo.dispose();
});

const shiftSplit = (t: string) => t.replace(`split: { v1: 90, v2: 10 },\n      timeout: "1500ms"`, `split: { v1: 80, v2: 20 },\n      timeout: "1500ms"`);

async function assertNothingPushed(headBefore: string): Promise<void> {
  assert.equal((await repo.git.revparse(["HEAD"])).trim(), headBefore, "no commit was made");
  const branches = (await repo.git.raw(["ls-remote", "--heads", repo.remote])).trim().split("\n");
  assert.deepEqual(branches.map((l) => l.split("\t")[1]), ["refs/heads/main"], "only main on the remote");
  assert.ok(github.requests.every((r) => r.method === "GET"), "no write request reached GitHub");
}

test("plan: a base ref that does not exist is exit 1 with the ref named", async () => {
  const run = await runCli(repo.clone, ["plan", "--base", "no-such-branch"]);
  assert.equal(run.code, 1);
  assert.match(run.stderr, /base ref "no-such-branch" does not exist/);
});

test("plan: wrong usage is exit 64", async () => {
  const run = await runCli(repo.clone, ["plan", "--format", "yaml"]);
  assert.equal(run.code, 64);
  assert.match(run.stderr, /--format must be text, markdown or json/);
});

test("plan: a base that does not compile is reported, with head's diagnostics, exit 1", async () => {
  repo.edit("checkout.policy.ts", (t) => t.replace(`split: { v1: 90, v2: 10 },\n      timeout: "3s",`, `split: { v1: 90, v2: 5 },\n      timeout: "3s",`));
  await repo.git.add(".").commit("Broken split on main");
  // Head fixes the split and retries POSTs without opting in: a warning head's report must still show.
  repo.edit("checkout.policy.ts", (t) => t.replace(`split: { v1: 90, v2: 5 },\n      timeout: "3s",`, `split: { v1: 90, v2: 10 },\n      timeout: "3s",\n      retries: { attempts: 1, perTryTimeout: "1s", retryOn: ["5xx"] },`));
  const out = path.join(repo.scratch, "broken-base.json");
  const run = await runCli(repo.clone, ["plan", "--base", "HEAD", "--format", "json", "--out", out, "--detailed-exitcode"]);
  assert.equal(run.code, 1);
  const markdown = await runCli(repo.clone, ["plan", "--base", "HEAD", "--format", "markdown"]);
  assert.equal(markdown.code, 1);
  assert.match(markdown.stdout, /Base HEAD does not compile: no diff/);
  assert.match(markdown.stdout, /TM1002/, "base's error is shown");
  assert.match(markdown.stdout, /This change: 0 errors, 1 warning/);
  assert.match(markdown.stdout, /TM1008/, "head's warning is shown");
  await repo.git.raw(["checkout", "--", "."]);
  await repo.git.raw(["reset", "--hard", "origin/main"]);
});

test("pr: a missing token is refused before anything is committed or pushed", async () => {
  repo.edit("checkout.policy.ts", shiftSplit);
  const head = (await repo.git.revparse(["HEAD"])).trim();
  const run = await runCli(repo.clone, ["pr", "--repo", "acme/mesh"], { GITHUB_TOKEN: undefined, GITHUB_API_URL: github.url });
  assert.equal(run.code, 1);
  assert.match(run.stderr, /GITHUB_TOKEN is not set/);
  await assertNothingPushed(head);
});

test("pr: a wrong token is refused (401) before anything is committed or pushed", async () => {
  const head = (await repo.git.revparse(["HEAD"])).trim();
  const run = await runCli(repo.clone, ["pr", "--repo", "acme/mesh"], { GITHUB_TOKEN: "wrong", GITHUB_API_URL: github.url });
  assert.equal(run.code, 1);
  assert.match(run.stderr, /GitHub refused the token .*401 Bad credentials.*check GITHUB_TOKEN/);
  await assertNothingPushed(head);
});

test("pr: changes outside the policies directory (a dirty worktree) are refused", async () => {
  writeFileSync(path.join(repo.clone, "README.md"), "# edited\n");
  const head = (await repo.git.revparse(["HEAD"])).trim();
  const run = await runCli(repo.clone, ["pr", "--repo", "acme/mesh"], { GITHUB_TOKEN: "s3cret", GITHUB_API_URL: github.url });
  assert.equal(run.code, 1);
  assert.match(run.stderr, /changes outside policies\/ \(README\.md\): commit or stash them first/);
  await assertNothingPushed(head);
});

test("comment: a file that is not a plan, and a wrong token, are exit 1 with nothing posted", async () => {
  const bogus = path.join(repo.scratch, "bogus.json");
  writeFileSync(bogus, JSON.stringify({ schemaVersion: 1, verdict: "maybe" }));
  const notPlan = await runCli(repo.clone, ["comment", "--repo", "acme/mesh", "--pr", "1", "--plan", bogus], { GITHUB_TOKEN: "s3cret", GITHUB_API_URL: github.url });
  assert.equal(notPlan.code, 1);
  assert.match(notPlan.stderr, /is not a typemesh plan/);
  const plan = path.join(repo.scratch, "plan.json");
  assert.equal((await runCli(repo.clone, ["plan", "--format", "json", "--out", plan])).code, 0);
  const wrong = await runCli(repo.clone, ["comment", "--repo", "acme/mesh", "--pr", "1", "--plan", plan], { GITHUB_TOKEN: "wrong", GITHUB_API_URL: github.url });
  assert.equal(wrong.code, 1);
  assert.match(wrong.stderr, /GitHub refused the token/);
  assert.equal(github.comments.length, 0);
});
