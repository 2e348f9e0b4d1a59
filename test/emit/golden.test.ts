// Golden files: the demo mesh (policies/) emitted to each target, under test/golden/emit/<target>/, and
// what each target reports it cannot express, under test/golden/emit/diagnostics/<target>.txt. They are
// reviewed like code. Regenerate with: UPDATE_GOLDEN=1 npm test -- test/emit/golden
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";
import { emitTarget, targetNames, type EmittedFile } from "../../src/compiler/emit/targets/index.ts";
import type { Diagnostic } from "../../src/compiler/diagnostics/diagnostic.ts";
import { demoIR } from "./support/manifests.ts";
import { repoRoot } from "./support/schemas.ts";

const GOLDEN = path.join(repoRoot, "test/golden/emit");
const update = process.env.UPDATE_GOLDEN === "1";

function filesUnder(dir: string, prefix = ""): string[] {
  let entries;
  try { entries = readdirSync(dir, { withFileTypes: true }); } catch { return []; }
  return entries.flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`])).sort();
}

function diagnosticsText(diagnostics: readonly Diagnostic[]): string {
  return diagnostics.map((d) => `${d.location ? `${d.location.file}:${d.location.line}:${d.location.column} ` : ""}${d.severity} ${d.code}: ${d.message}${d.hint ? `\n  hint: ${d.hint}` : ""}`).join("\n") + "\n";
}

function write(dir: string, files: readonly EmittedFile[]): void {
  rmSync(dir, { recursive: true, force: true });
  for (const file of files) {
    mkdirSync(path.dirname(path.join(dir, file.path)), { recursive: true });
    writeFileSync(path.join(dir, file.path), file.content);
  }
}

describe("golden files of the demo mesh", () => {
  for (const target of targetNames) {
    test(`${target} manifests and diagnostics are as reviewed`, async () => {
      const { files, diagnostics } = emitTarget(target, await demoIR());
      const dir = path.join(GOLDEN, target);
      const diagnosticsFile = path.join(GOLDEN, "diagnostics", `${target}.txt`);
      if (update) {
        write(dir, files);
        mkdirSync(path.dirname(diagnosticsFile), { recursive: true });
        writeFileSync(diagnosticsFile, diagnosticsText(diagnostics));
      }
      assert.deepEqual(filesUnder(dir), files.map((f) => f.path), `files of ${target} (UPDATE_GOLDEN=1 to regenerate)`);
      for (const file of files) assert.equal(file.content, readFileSync(path.join(dir, file.path), "utf8"), `${target}/${file.path}`);
      assert.equal(diagnosticsText(diagnostics), readFileSync(diagnosticsFile, "utf8"), `diagnostics of ${target}`);
    });
  }
});
