// Golden impact reports (markdown and json) for each kind of change in plan-cases.ts, built from real
// compiles of test/fixtures/plan/base and an edited copy. UPDATE_GOLDEN=1 rewrites them; review the
// diff like code.
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { buildReport, compileSide, type Side } from "../../src/gitops/plan.ts";
import { renderJson } from "../../src/gitops/render/json.ts";
import { renderMarkdown } from "../../src/gitops/render/markdown.ts";
import { planCases } from "./plan-cases.ts";

const fixture = path.resolve("test/fixtures/plan/base");
const goldenDir = path.resolve("test/golden/plan");
const update = process.env.UPDATE_GOLDEN === "1";
const work = mkdtempSync(path.join(os.tmpdir(), "typemesh-golden-"));
let base: Side;

before(async () => {
  base = await compileSide(fixture, { ref: "main" }, { allowEmpty: true });
  assert.ok(base.ir, "the base fixture compiles");
});
after(() => rmSync(work, { recursive: true, force: true }));

function golden(file: string, actual: string): void {
  const target = path.join(goldenDir, file);
  if (update || !existsSync(target)) writeFileSync(target, actual);
  assert.equal(actual, readFileSync(target, "utf8"), `${file} differs from the golden file (UPDATE_GOLDEN=1 to accept)`);
}

for (const c of planCases) {
  test(`plan golden: ${c.name}`, async () => {
    const dir = path.join(work, c.name);
    cpSync(fixture, dir, { recursive: true });
    for (const [file, edit] of Object.entries(c.edit)) {
      const target = path.join(dir, file);
      if (edit === null) rmSync(target);
      else writeFileSync(target, edit(existsSync(target) ? readFileSync(target, "utf8") : ""));
    }
    const head = await compileSide(dir, { ref: "working tree" });
    assert.ok(head.ir, `head compiles: ${JSON.stringify(head.report.diagnostics)}`);
    const report = await buildReport("policies", base, head);
    assert.equal(report.verdict, "change");
    const markdown = renderMarkdown(report);
    for (const phrase of c.mustSay) assert.ok(markdown.includes(phrase), `${c.name}: the markdown says ${JSON.stringify(phrase)}`);
    golden(`${c.name}.md`, markdown);
    golden(`${c.name}.json`, renderJson(report));
  });
}
