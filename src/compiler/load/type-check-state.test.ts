// The type checker's state saved by one process and read by the next: a later check of unchanged files
// skips the work but reports exactly what a full check would, and an edit or a damaged state file
// never hides a type error.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { findPolicyFiles } from "./policy-files.ts";
import { typeCheckStateFile } from "./type-check-state.ts";
import { PolicyTypeChecker } from "./type-check.ts";

const scratch = mkdtempSync(path.join(tmpdir(), "typemesh-type-state-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

const shared = `export const reads = { attempts: 3 } as const;\n`;

function directory(name: string): { root: string; stateFile: string } {
  const root = path.join(scratch, name);
  const stateFile = typeCheckStateFile(root, { TYPEMESH_CACHE_DIR: path.join(scratch, "cache") })!;
  mkdirSync(root, { recursive: true });
  return { root, stateFile };
}

/** A fresh checker, as a new process would have, over the state file: its type errors, and how many files it type-checked. */
async function checkCounting(root: string, stateFile: string): Promise<{ errors: string[]; checked: number }> {
  const checker = new PolicyTypeChecker(root, { stateFile });
  const diagnostics = await checker.start(findPolicyFiles(root)).diagnostics();
  checker.saveState();
  return { errors: diagnostics.map((d) => `${d.location?.file}:${d.location?.line} ${d.message}`), checked: checker.checkedFiles };
}

async function check(root: string, stateFile: string): Promise<string[]> {
  return (await checkCounting(root, stateFile)).errors;
}

test("a type error is reported again from the saved state, and a fix is seen", async () => {
  const { root, stateFile } = directory("errors");
  writeFileSync(path.join(root, "a.policy.ts"), `import { reads } from "./routes";\nexport const n: string = reads.attempts;\n`);
  writeFileSync(path.join(root, "routes.ts"), shared);
  const first = await checkCounting(root, stateFile);
  assert.equal(first.errors.length, 1, first.errors.join("\n"));
  assert.match(first.errors[0]!, /^a\.policy\.ts:2 TS2322/);
  assert.equal(first.checked, 2, "nothing saved yet: both files are checked");
  assert.ok(readFileSync(stateFile, "utf8").length > 0, "the state was saved");
  // Unchanged: the same answer, from the state, without checking a file.
  assert.deepEqual(await checkCounting(root, stateFile), { errors: first.errors, checked: 0 });
  // An edit in the imported module: it and the file importing it are checked again.
  writeFileSync(path.join(root, "routes.ts"), shared.replace("attempts: 3", `attempts: "3"`));
  assert.deepEqual(await checkCounting(root, stateFile), { errors: [], checked: 2 });
  writeFileSync(path.join(root, "routes.ts"), shared);
  assert.deepEqual(await check(root, stateFile), first.errors);
});

test("a damaged state file is checked past, not trusted", async () => {
  const { root, stateFile } = directory("damaged");
  writeFileSync(path.join(root, "a.policy.ts"), `export const n: number = "one";\n`);
  const first = await check(root, stateFile);
  assert.equal(first.length, 1);
  for (const damage of ["", "{", `{"version":"0.0.1"}`, readFileSync(stateFile, "utf8").slice(0, 200)]) {
    writeFileSync(stateFile, damage);
    assert.deepEqual(await check(root, stateFile), first, `state file: ${JSON.stringify(damage.slice(0, 40))}`);
  }
});

test("TYPEMESH_NO_CACHE turns the saved state off; each directory has its own", () => {
  assert.equal(typeCheckStateFile("/p", { TYPEMESH_NO_CACHE: "1" }), undefined);
  const a = typeCheckStateFile("/policies/a", { TYPEMESH_CACHE_DIR: "/c" });
  const b = typeCheckStateFile("/policies/b", { TYPEMESH_CACHE_DIR: "/c" });
  assert.notEqual(a, b);
  assert.equal(path.dirname(a!), "/c");
  assert.equal(path.dirname(typeCheckStateFile("/p", { XDG_CACHE_HOME: "/x" })!), "/x/typemesh/type-check");
});
