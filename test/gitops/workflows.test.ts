// The GitHub workflows users copy: each is valid by GitHub's workflow schema (@action-validator/core),
// and each keeps the security rules of DESIGN.md: plan runs PR code read-only; the poster has only the
// write permissions it needs and never checks out or runs the PR's code; apply runs on main only.
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { test } from "node:test";
import { parse } from "yaml";

const { validateWorkflow } = createRequire(import.meta.url)("@action-validator/core") as typeof import("@action-validator/core");
const dir = path.resolve(".github/workflows");
const read = (name: string) => readFileSync(path.join(dir, name), "utf8");

interface Step { uses?: string; run?: string; with?: Record<string, unknown>; env?: Record<string, string> }
interface Workflow { name: string; on: Record<string, unknown>; permissions: Record<string, string>; jobs: Record<string, { steps: Step[] }> }
const stepsOf = (w: Workflow) => Object.values(w.jobs).flatMap((j) => j.steps);

for (const file of readdirSync(dir).filter((f) => f.startsWith("typemesh-") && f.endsWith(".yml"))) {
  test(`${file} is a valid GitHub workflow`, () => {
    const state = validateWorkflow(read(file));
    assert.deepEqual(state.errors, [], JSON.stringify(state.errors, null, 2));
  });
  test(`${file} puts no event data into a shell script (script injection)`, () => {
    for (const step of stepsOf(parse(read(file)) as Workflow)) {
      assert.doesNotMatch(step.run ?? "", /\$\{\{/, `use env: for expressions in run: ${step.run}`);
    }
  });
}

test("plan: pull_request (never pull_request_target), read-only, uploads the plan", () => {
  const w = parse(read("typemesh-plan.yml")) as Workflow;
  assert.ok("pull_request" in w.on && !("pull_request_target" in w.on));
  assert.deepEqual(w.permissions, { contents: "read" });
  const steps = stepsOf(w);
  assert.ok(steps.some((s) => s.uses?.startsWith("actions/upload-artifact@") && s.with?.name === "typemesh-plan"));
  assert.ok(steps.some((s) => s.run?.includes("plan policies --base") && s.run.includes("--format json")));
  assert.ok(steps.every((s) => !s.env || !Object.values(s.env).some((v) => String(v).includes("secrets."))), "no secrets in the job that runs PR code");
});

test("comment: workflow_run; write access only to pull requests and checks; never the PR's code", () => {
  const w = parse(read("typemesh-comment.yml")) as Workflow;
  assert.deepEqual(Object.keys(w.on), ["workflow_run"]);
  const writes = Object.entries(w.permissions).filter(([, level]) => level === "write").map(([scope]) => scope).sort();
  assert.deepEqual(writes, ["checks", "pull-requests"]);
  assert.ok(Object.values(w.permissions).every((level) => level === "read" || level === "write"));
  assert.equal(w.permissions.contents, undefined, "no contents permission at all");
  const steps = stepsOf(w);
  for (const s of steps.filter((x) => x.uses?.startsWith("actions/checkout@"))) {
    assert.equal(s.with?.ref, "${{ github.event.repository.default_branch }}", "checks out the default branch, not the PR");
  }
  const text = read("typemesh-comment.yml");
  assert.doesNotMatch(text, /head_branch|pull_request\.head|workflow_run\.head_sha\s*}}\s*\n\s*(ref|repository):/);
  assert.ok(steps.every((s) => !s.run?.includes(" plan ")), "the poster never runs plan (which evaluates policy code)");
  assert.ok(steps.some((s) => s.run?.includes("comment --repo")));
});

test("apply: on push to main, builds and posts the bundle to the control plane", () => {
  const w = parse(read("typemesh-apply.yml")) as Workflow & { on: { push: { branches: string[] } } };
  assert.deepEqual(w.on.push.branches, ["main"]);
  assert.deepEqual(w.permissions, { contents: "read", statuses: "write", "pull-requests": "write" });
  const runs = stepsOf(w).map((s) => s.run ?? "").join("\n");
  assert.match(runs, /build policies --out dist/);
  assert.match(runs, /rollout start --service "\$SERVICE"/);
  assert.match(runs, /rollout report --service "\$SERVICE" --repo "\$REPO" --sha "\$SHA"/);
  assert.match(runs, /--data-binary @dist\/bundle\.json "\$CONTROL_PLANE_URL\/api\/bundles"/);
});
