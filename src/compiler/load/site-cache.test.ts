import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { createSiteCache } from "./site-cache.ts";
import { ts } from "./typescript.ts";

const root = mkdtempSync(path.join(tmpdir(), "typemesh-site-cache-"));
after(() => rmSync(root, { recursive: true, force: true }));

const CALL = "declare function defineService(spec: object): void;\n";
const SERVICE = 'defineService({ name: "cart", routes: [{ name: "api" }] });\n';

/** A program over one policy file: `blank` empty lines, then the declaration call. */
function programWith(blank: number, otherFile = "other.policy.ts") {
  const file = path.join(root, "cart.policy.ts");
  writeFileSync(file, `${CALL}${"\n".repeat(blank)}${SERVICE}`);
  const other = path.join(root, otherFile);
  writeFileSync(other, `${CALL}defineService({ name: "other" });\n`);
  const program = ts.createProgram({ rootNames: [file, other], options: { noLib: true, noResolve: true, types: [] } });
  return { program, call: { file: "cart.policy.ts", line: 2 + blank, column: 1 }, otherCall: { file: otherFile, line: 2, column: 1 } };
}

test("a site is kept while its file is the same parsed file, and located anew after an edit", () => {
  const cache = createSiteCache();
  const first = programWith(0);
  const located = cache.begin(root, first.program)(first.call);
  assert.equal(located.kept, false);
  assert.deepEqual(located.site.locations["routes/0/name"], { file: "cart.policy.ts", line: 2, column: 48 });
  const again = cache.begin(root, first.program)(first.call);
  assert.equal(again.kept, true);
  assert.equal(again.site, located.site);

  const edited = programWith(1);
  const moved = cache.begin(root, edited.program)(edited.call);
  assert.equal(moved.kept, false);
  assert.deepEqual(moved.site.locations["routes/0/name"], { file: "cart.policy.ts", line: 3, column: 48 });
});

test("sites read from an edited file are dropped, so a long session keeps only the declarations there are", () => {
  const cache = createSiteCache();
  const start = programWith(0);
  const locate = cache.begin(root, start.program);
  locate(start.call);
  locate(start.otherCall);
  assert.equal(cache.size, 2);
  // Fifty edits, each moving the declaration a line down: each leaves its old position behind.
  for (let blank = 1; blank <= 50; blank++) {
    const edited = programWith(blank);
    const next = cache.begin(root, edited.program);
    assert.equal(next(edited.call).kept, false);
  }
  // The other file was parsed again too (programWith writes it), so only the last position is left.
  assert.equal(cache.size, 1);
});

test("an unchanged file's site survives an edit elsewhere", () => {
  const cache = createSiteCache();
  const host = ts.createCompilerHost({ noLib: true, noResolve: true, types: [] });
  const parsed = new Map<string, import("typescript").SourceFile>();
  // The type checker reuses the parsed file of unchanged text; this host does the same.
  const reusing: import("typescript").CompilerHost = {
    ...host,
    getSourceFile(name, languageVersion) {
      const fresh = host.getSourceFile(name, languageVersion);
      const known = parsed.get(name);
      if (known && fresh && known.text === fresh.text) return known;
      if (fresh) parsed.set(name, fresh);
      return fresh;
    },
  };
  const build = (blank: number) => {
    const made = programWith(blank);
    const program = ts.createProgram({ rootNames: made.program.getRootFileNames(), options: { noLib: true, noResolve: true, types: [] }, host: reusing });
    return { ...made, program };
  };
  const start = build(0);
  const locate = cache.begin(root, start.program);
  const other = locate(start.otherCall);
  locate(start.call);
  const edited = build(4);
  const next = cache.begin(root, edited.program);
  assert.equal(cache.size, 1, "the edited file's site is dropped, the other kept");
  const otherAgain = next(edited.otherCall);
  assert.equal(otherAgain.kept, true);
  assert.equal(otherAgain.site, other.site);
});
