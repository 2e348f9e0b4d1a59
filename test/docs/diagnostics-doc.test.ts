// docs/diagnostics.md lists every code of the catalog: regenerate with scripts/diagnostics-doc.ts.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { DOC, renderDoc } from "../../scripts/diagnostics-doc.ts";

test("docs/diagnostics.md lists every diagnostic code of the catalog", () => {
  const current = readFileSync(DOC, "utf8");
  assert.equal(current, renderDoc(current), "out of date: run node --import tsx scripts/diagnostics-doc.ts");
});
