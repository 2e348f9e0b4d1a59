// plan compiles the base in a temporary worktree that is never compiled again: it keeps nothing for it
// in the user's cache. The working tree's compile keeps its type-check state and check record, as a
// check does.
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { checkRecordFile } from "../../src/compiler/load/check-record.ts";
import { typeCheckStateFile } from "../../src/compiler/load/type-check-state.ts";
import { createPolicyRepo, runCli } from "./policy-repo.ts";

test("plan keeps cache files for the working tree only, none for the base's temporary worktree", { timeout: 120_000 }, async (t) => {
  const repo = await createPolicyRepo();
  t.after(() => repo.dispose());
  const cache = path.join(repo.scratch, "cache");
  repo.edit("checkout.policy.ts", (text) => `${text}\n// a comment: the plan has a working tree to compare\n`);
  const run = await runCli(repo.clone, ["plan", "--base", "main", "--format", "json", "--out", path.join(repo.scratch, "plan.json")], { TYPEMESH_CACHE_DIR: cache });
  assert.ok(run.code === 0 || run.code === 2, `plan failed (${run.code}): ${run.stderr}`);
  const state = typeCheckStateFile(path.join(repo.clone, "policies"), { TYPEMESH_CACHE_DIR: cache })!;
  assert.deepEqual(readdirSync(cache).sort(), [path.basename(checkRecordFile(state)), path.basename(state)].sort());
});
