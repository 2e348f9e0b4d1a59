// Runs the type tests: the file must compile with no diagnostics, which also proves that every
// expect-error directive really marks an error (an unused one is itself an error, TS2578).
import assert from "node:assert/strict";
import path from "node:path";
import { test } from "node:test";
import ts from "typescript";
import { policyCompilerOptions } from "../../src/compiler/load/type-check.ts";

const file = path.join(path.dirname(new URL(import.meta.url).pathname), "authoring-api.types.ts");

test("the authoring API accepts correct policies and rejects each misuse", () => {
  const program = ts.createProgram([file], policyCompilerOptions());
  const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : 0;
    return `line ${where}: TS${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, " ")}`;
  });
  assert.deepEqual(diagnostics, []);
});
