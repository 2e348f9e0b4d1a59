// The compile benchmark's generator must keep writing a repository that compiles clean, or the bench
// measures error paths; and the same seed must give the same files, or runs are not comparable.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { test } from "node:test";
import { compilePolicies } from "../../src/compiler/compile.ts";
import { EDIT_SPLIT, generatePolicyRepository } from "./generate.ts";

test("a generated repository of 20 services compiles without a diagnostic, also after the bench's edit", async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), "typemesh-generate-test-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const repository = generatePolicyRepository({ dir, services: 20 });
  assert.equal(repository.files.length, 21);

  const compiled = await compilePolicies(dir);
  assert.deepEqual(compiled.diagnostics, []);
  assert.equal(compiled.ir?.services.length, 20);

  const file = path.join(dir, repository.editFile);
  const text = readFileSync(file, "utf8");
  assert.equal(text.split(EDIT_SPLIT.before).length, 2, "the edited split appears exactly once");
  writeFileSync(file, text.replace(EDIT_SPLIT.before, EDIT_SPLIT.after));
  assert.deepEqual((await compilePolicies(dir)).diagnostics, []);
});

test("the same seed writes the same files; another seed, others", (t) => {
  const dirs = [0, 1, 2].map(() => mkdtempSync(path.join(tmpdir(), "typemesh-generate-test-")));
  t.after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  const [a, b, c] = [
    generatePolicyRepository({ dir: dirs[0], services: 30, seed: 7 }),
    generatePolicyRepository({ dir: dirs[1], services: 30, seed: 7 }),
    generatePolicyRepository({ dir: dirs[2], services: 30, seed: 8 }),
  ];
  const read = (r: typeof a) => r.files.map((f) => readFileSync(path.join(r.dir, f), "utf8"));
  assert.deepEqual(read(a), read(b));
  assert.notDeepEqual(read(a), read(c));
});

test("refuses to empty a directory it did not write", (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), "typemesh-generate-test-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  generatePolicyRepository({ dir: path.join(dir, "ok"), services: 2 });
  assert.throws(() => generatePolicyRepository({ dir, services: 2 }), /not written by the generator/);
});
