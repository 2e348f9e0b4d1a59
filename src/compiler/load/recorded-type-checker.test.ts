// A one-shot compile of unchanged inputs is answered from the last compile's record, without a
// TypeScript program, and gives exactly what a full compile gives; an edit, a new file in the policies
// directory, or a damaged record sends it back to the type checker.
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { compilePolicies, type CompileResult } from "../compile.ts";
import { checkRecordFile } from "./check-record.ts";
import { createRecordedTypeChecker } from "./recorded-type-checker.ts";
import { typeCheckStateFile } from "./type-check-state.ts";

const scratch = mkdtempSync(path.join(tmpdir(), "typemesh-check-record-"));
after(() => rmSync(scratch, { recursive: true, force: true }));
const env = { TYPEMESH_CACHE_DIR: path.join(scratch, "cache") };
const repo = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../../..");

/** A compile as a new process makes one: its result, and where the type checker's answers came from. */
async function compile(root: string): Promise<{ result: CompileResult; answeredBy: string | undefined }> {
  const checker = createRecordedTypeChecker(root, typeCheckStateFile(root, env));
  try {
    const result = await compilePolicies(root, { typeChecker: checker });
    return { result, answeredBy: checker.answeredBy() };
  } finally {
    await checker.dispose();
  }
}

const summary = (result: CompileResult) => ({ diagnostics: result.diagnostics, ir: result.ir });

test("an unchanged directory is answered from the record, the same as a full compile", { timeout: 60_000 }, async () => {
  const root = path.join(scratch, "demo");
  cpSync(path.join(repo, "policies"), root, { recursive: true });
  const first = await compile(root);
  assert.equal(first.answeredBy, "type checker");
  assert.ok(first.result.ir, JSON.stringify(first.result.diagnostics));
  const second = await compile(root);
  assert.equal(second.answeredBy, "record");
  assert.deepEqual(summary(second.result), summary(first.result));

  // An edit that breaks a type: the type checker answers, and the error is there.
  const file = path.join(root, "payments.policy.ts");
  const text = readFileSync(file, "utf8");
  writeFileSync(file, `${text}\nexport const broken: number = "not a number";\n`);
  const edited = await compile(root);
  assert.equal(edited.answeredBy, "type checker");
  assert.ok(edited.result.diagnostics.some((d) => d.location?.file === "payments.policy.ts" && /TS2322/.test(d.message)), JSON.stringify(edited.result.diagnostics));
  const editedAgain = await compile(root);
  assert.equal(editedAgain.answeredBy, "record", "the edited directory was recorded in turn");
  assert.deepEqual(summary(editedAgain.result), summary(edited.result));

  // The edit undone: answered by the type checker again (the record is of the edited files), and clean.
  writeFileSync(file, text);
  const undone = await compile(root);
  assert.equal(undone.answeredBy, "type checker");
  assert.deepEqual(summary(undone.result), summary(first.result));
});

test("a new file in the directory, or a damaged record, sends the compile back to the type checker", { timeout: 60_000 }, async () => {
  const root = path.join(scratch, "other");
  cpSync(path.join(repo, "policies"), root, { recursive: true });
  const first = await compile(root);
  assert.equal((await compile(root)).answeredBy, "record");
  // Any file: a new module beside an import can change what the import resolves to.
  writeFileSync(path.join(root, "notes.md"), "# nothing typed\n");
  assert.equal((await compile(root)).answeredBy, "type checker");
  writeFileSync(checkRecordFile(typeCheckStateFile(root, env)!), "{ not json");
  const damaged = await compile(root);
  assert.equal(damaged.answeredBy, "type checker");
  assert.deepEqual(summary(damaged.result), summary(first.result));
});

test("a file saved with a byte-order mark is recognised as unchanged (TypeScript reads it without the mark)", { timeout: 60_000 }, async () => {
  const root = path.join(scratch, "bom");
  cpSync(path.join(repo, "policies"), root, { recursive: true });
  const file = path.join(root, "catalog.policy.ts");
  const { readFileSync } = await import("node:fs");
  writeFileSync(file, `\uFEFF${readFileSync(file, "utf8")}`);
  const first = await compile(root);
  assert.ok(first.result.ir, JSON.stringify(first.result.diagnostics));
  const second = await compile(root);
  assert.equal(second.answeredBy, "record");
  assert.deepEqual(summary(second.result), summary(first.result));
});
