// The check run and the sticky comment against the local GitHub API: more than 50 annotations go in
// batches of at most 50 to one run; a second upsert edits the comment it finds by its marker.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { ImpactReport } from "../../src/compiler/diff/report.ts";
import { publishCheckRun } from "../../src/gitops/github/checks.ts";
import { createGitHub } from "../../src/gitops/github/client.ts";
import { upsertStickyComment } from "../../src/gitops/github/comment.ts";
import { startFakeGitHub, type FakeGitHub } from "../support/github-server.ts";

let github: FakeGitHub;
before(async () => { github = await startFakeGitHub({ owner: "acme", repo: "mesh", token: "t", branchSha: () => "a".repeat(40) }); });
after(() => github.close());

const report: ImpactReport = {
  schemaVersion: 1, verdict: "change", headline: "120 services changed. ⚠ 120 risks to review.", policiesPath: "policies",
  base: { ref: "main", compiled: true, diagnostics: [] }, head: { ref: "working tree", compiled: true, diagnostics: [] },
  counts: { servicesAdded: 0, servicesRemoved: 0, servicesChanged: 120, routesAdded: 0, routesRemoved: 0, routesChanged: 0 },
  risks: Array.from({ length: 120 }, (_, i) => ({ code: "mtls-weakened" as const, service: `shop/s${i}`, message: `shop/s${i}: strict → permissive`, location: { file: `s${i}.policy.ts`, line: i + 1, column: 1 } })),
  mesh: [], services: [], authz: { callers: [], services: [], cells: [] }, blastRadius: [], liveTraffic: { status: "not-requested" }, emitLimits: [],
};

test("120 annotations: one check run, created with 50 and updated twice", async () => {
  const gh = createGitHub({ GITHUB_TOKEN: "t", GITHUB_API_URL: github.url });
  const result = await publishCheckRun(gh, { owner: "acme", repo: "mesh", sha: "b".repeat(40) }, report);
  assert.deepEqual({ annotations: result.annotations, requests: result.requests }, { annotations: 120, requests: 3 });
  assert.equal(github.checkRuns.length, 1);
  assert.equal(github.checkRuns[0]!.conclusion, "neutral");
  const annotations = github.checkRuns[0]!.output.annotations as { path: string; start_line: number }[];
  assert.equal(annotations.length, 120);
  assert.deepEqual(annotations[77], { path: "policies/s77.policy.ts", start_line: 78, end_line: 78, annotation_level: "warning", title: "mTLS weakened", message: "shop/s77: strict → permissive" });
  const sent = github.requests.filter((r) => r.operationId?.startsWith("checks/"));
  assert.deepEqual(sent.map((r) => ((r.body as { output: { annotations: unknown[] } }).output.annotations.length)), [50, 50, 20]);
  assert.deepEqual(github.requests.flatMap((r) => r.problems), []);
});

test("the sticky comment is found by its marker and edited in place", async () => {
  const gh = createGitHub({ GITHUB_TOKEN: "t", GITHUB_API_URL: github.url });
  const first = await upsertStickyComment(gh, { owner: "acme", repo: "mesh", pr: 7 }, "first");
  const second = await upsertStickyComment(gh, { owner: "acme", repo: "mesh", pr: 7 }, "second");
  assert.equal(first.created, true);
  assert.equal(second.created, false);
  assert.equal(second.id, first.id);
  assert.deepEqual(github.comments.map((c) => c.body), ["<!-- typemesh:plan -->\nsecond"]);
});
