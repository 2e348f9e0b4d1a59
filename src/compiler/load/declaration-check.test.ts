// The re-check of an edit against the declarations of what the edited file imports: it must report
// exactly what a full check of the same files by a fresh checker reports, take the short way when it
// can, and leave to the full check what it cannot vouch for.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { generatePolicyRepository } from "../../../bench/compile/generate.ts";
import type { Diagnostic } from "../diagnostics/diagnostic.ts";
import { findPolicyFiles } from "./policy-files.ts";
import { typeCheckStateFile } from "./type-check-state.ts";
import { PolicyTypeChecker } from "./type-check.ts";

const scratch = mkdtempSync(path.join(tmpdir(), "typemesh-declaration-check-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

// payments ← checkout (payments.versions.v2, and the Limits type of limits.ts through retries.ts)
//          ← orders (a lazy reference to checkout) ← web (importing with the .ts extension)
const files: Record<string, string> = {
  "payments.policy.ts": `import { defineService } from "typemesh";

export const payments = defineService({
  name: "payments",
  namespace: "shop",
  port: 8080,
  versions: { v1: {}, v2: { labels: { track: "canary" } } },
  routes: [{ name: "default", split: { v1: 90, v2: 10 }, timeout: "2s" }],
});
`,
  "limits.ts": `export interface Limits {
  attempts: number;
}
export const limits: Limits = { attempts: 2 };
`,
  // Its declarations name the Limits of limits.ts: \`import("./limits").Limits\`.
  "retries.ts": `import { limits } from "./limits";
export const reads = limits;
`,
  "checkout.policy.ts": `import { defineService } from "typemesh";
import { payments } from "./payments.policy";
import { reads } from "./retries";

export const checkout = defineService({
  name: "checkout",
  namespace: "shop",
  port: 8080,
  versions: { v1: {} },
  routes: [{
    name: "default",
    to: "v1",
    timeout: "3s",
    retries: { attempts: reads.attempts, perTryTimeout: "1s" },
    mirror: { to: payments.versions.v2, percent: 5 },
  }],
  authorization: { allow: [{ from: [payments], methods: ["POST"] }] },
});
`,
  "orders.policy.ts": `import { defineService, type ServiceRef } from "typemesh";
import { checkout } from "./checkout.policy";

export const orders = defineService({
  name: "orders",
  namespace: "shop",
  port: 8080,
  versions: { v1: {} },
  routes: [{ name: "default", to: "v1" }],
  authorization: { allow: [{ from: [(): ServiceRef => checkout] }] },
});
`,
  "web.policy.ts": `import { defineService } from "typemesh";
import { orders } from "./orders.policy.ts";

export const web = defineService({
  name: "web",
  namespace: "shop",
  port: 8080,
  versions: { v1: {} },
  routes: [{ name: "default", to: "v1" }],
  authorization: { allow: [{ from: [orders] }] },
});
`,
};

function directory(name: string): string {
  const root = path.join(scratch, name);
  mkdirSync(root, { recursive: true });
  for (const [file, text] of Object.entries(files)) writeFileSync(path.join(root, file), text);
  return root;
}

const render = (diagnostics: Diagnostic[]) =>
  diagnostics.map((d) => `${d.location?.file}:${d.location?.line}:${d.location?.column} ${d.message}`).sort();

/** What a fresh checker's full check reports for the directory as it is now. */
async function fresh(root: string): Promise<string[]> {
  const checker = new PolicyTypeChecker(root);
  const diagnostics = await checker.start(findPolicyFiles(root)).diagnostics();
  assert.equal(checker.lastCheck, "full");
  return render(diagnostics);
}

/** One compile's check with a checker kept between compiles, as --watch does. */
async function recheck(checker: PolicyTypeChecker, root: string): Promise<string[]> {
  return render(await checker.start(findPolicyFiles(root)).diagnostics());
}

function edit(root: string, file: string, from: string, to: string): void {
  const full = path.join(root, file);
  const text = readFileSync(full, "utf8");
  assert.ok(text.includes(from), `${file} has ${from}`);
  writeFileSync(full, text.replace(from, to));
}

/** Re-checks after an edit: the same as a fresh full check, answered by `path`. */
async function expectSame(checker: PolicyTypeChecker, root: string, path: "full" | "declarations"): Promise<string[]> {
  const found = await recheck(checker, root);
  assert.deepEqual(found, await fresh(root));
  assert.equal(checker.lastCheck, path, `answered by ${checker.lastCheck} (${checker.lastFallback ?? "no fallback"})`);
  return found;
}

test("edits are re-checked against declarations, and report what a full check does", { timeout: 120_000 }, async () => {
  const root = directory("edits");
  const checker = new PolicyTypeChecker(root);
  assert.deepEqual(await recheck(checker, root), []);
  assert.equal(checker.lastCheck, "full", "nothing checked before: the full check answers");

  // Nothing exported changes: only the edited file is checked.
  edit(root, "payments.policy.ts", "split: { v1: 90, v2: 10 }", "split: { v1: 80, v2: 20 }");
  assert.deepEqual(await expectSame(checker, root, "declarations"), []);
  assert.equal(checker.checkedFiles, 1);

  // A type error in the edited file, its declarations unchanged.
  edit(root, "payments.policy.ts", `timeout: "2s"`, `timeout: "2 seconds"`);
  const own = await expectSame(checker, root, "declarations");
  assert.equal(own.length, 1, own.join("\n"));
  assert.match(own[0]!, /^payments\.policy\.ts:8:.* TS2322/);
  assert.equal(checker.checkedFiles, 1);
  edit(root, "payments.policy.ts", `timeout: "2 seconds"`, `timeout: "2s"`);
  assert.deepEqual(await expectSame(checker, root, "declarations"), []);

  // v2 renamed: payments' declarations change, and checkout, which mirrors to payments.versions.v2, is
  // checked again and fails; orders and web, which see only checkout's (unchanged) declarations, are not.
  edit(root, "payments.policy.ts", "v2: { labels", "v3: { labels");
  edit(root, "payments.policy.ts", "v2: 20", "v3: 20");
  const renamed = await expectSame(checker, root, "declarations");
  assert.equal(renamed.length, 1, renamed.join("\n"));
  assert.match(renamed[0]!, /^checkout\.policy\.ts:15:.* TS2339: Property 'v2' does not exist/);
  assert.equal(checker.checkedFiles, 2);
  // Reverted: the error goes.
  edit(root, "payments.policy.ts", "v3: { labels", "v2: { labels");
  edit(root, "payments.policy.ts", "v3: 20", "v2: 20");
  assert.deepEqual(await expectSame(checker, root, "declarations"), []);
  assert.equal(checker.checkedFiles, 2);

  // A new import: the full check answers, and is right.
  edit(root, "web.policy.ts", `import { orders } from "./orders.policy.ts";`, `import { orders } from "./orders.policy.ts";\nimport { payments } from "./payments.policy";`);
  edit(root, "web.policy.ts", "from: [orders]", "from: [orders, payments]");
  assert.deepEqual(await expectSame(checker, root, "full"), []);
  assert.match(checker.lastFallback ?? "", /imports changed/);
  // And the next edit is short again, the error found through the new import.
  edit(root, "payments.policy.ts", "export const payments", "export const payments: number =");
  edit(root, "payments.policy.ts", "= = defineService", "= defineService");
  const retyped = await expectSame(checker, root, "declarations");
  assert.ok(retyped.some((line) => line.startsWith("web.policy.ts:")), retyped.join("\n"));
  assert.ok(retyped.some((line) => line.startsWith("checkout.policy.ts:")), retyped.join("\n"));
});

test("a changed type is followed through a declaration that only names it", { timeout: 120_000 }, async () => {
  const root = directory("names");
  const checker = new PolicyTypeChecker(root);
  assert.deepEqual(await recheck(checker, root), []);
  // limits.ts' declarations change; retries.ts' do not (they name Limits), but checkout, which reads
  // reads.attempts through them, now gets a string where a number goes.
  edit(root, "limits.ts", "attempts: number", "attempts: string");
  edit(root, "limits.ts", "attempts: 2", `attempts: "2"`);
  const found = await expectSame(checker, root, "declarations");
  assert.equal(found.length, 1, found.join("\n"));
  assert.match(found[0]!, /^checkout\.policy\.ts:14:.* TS2322/);
  assert.equal(checker.checkedFiles, 3, "limits.ts, retries.ts, then checkout");
  edit(root, "limits.ts", "attempts: string", "attempts: number");
  edit(root, "limits.ts", `attempts: "2"`, "attempts: 2");
  assert.deepEqual(await expectSame(checker, root, "declarations"), []);
});

test("what the declarations cannot vouch for goes to the full check", { timeout: 120_000 }, async () => {
  const root = directory("fallbacks");
  const checker = new PolicyTypeChecker(root);
  assert.deepEqual(await recheck(checker, root), []);
  // An edit of a file imported with its .ts extension.
  edit(root, "orders.policy.ts", `versions: { v1: {} }`, `versions: { v1: {}, v2: {} }`);
  assert.deepEqual(await expectSame(checker, root, "declarations"), []);
  assert.equal(checker.checkedFiles, 2, "orders, and web against its new declarations");
  // A syntax error.
  edit(root, "orders.policy.ts", `name: "orders",`, `name: "orders",,`);
  assert.ok((await expectSame(checker, root, "full")).length > 0);
  edit(root, "orders.policy.ts", `name: "orders",,`, `name: "orders",`);
  assert.deepEqual(await expectSame(checker, root, "full"), [], "after a check with syntax errors, the next is full too");
  // A global declaration: every file may see it.
  edit(root, "limits.ts", "export interface Limits", "declare global { interface Extra { x: 1 } }\nexport interface Limits");
  assert.deepEqual(await expectSame(checker, root, "full"), []);
  assert.match(checker.lastFallback ?? "", /reaches past its imports/);
  // A missing export: told apart from a local only in the source.
  edit(root, "orders.policy.ts", `import { checkout } from "./checkout.policy";`, `import { checkout, nothing } from "./checkout.policy";`);
  assert.equal((await expectSame(checker, root, "full")).length, 1);
  edit(root, "orders.policy.ts", `name: "orders",`, `name: "orders-2",`);
  assert.equal((await expectSame(checker, root, "full")).length, 1);
});

test("a saved state after a check against declarations still holds the edited files as unchecked", { timeout: 120_000 }, async () => {
  const root = directory("saved");
  const stateFile = typeCheckStateFile(root, { TYPEMESH_CACHE_DIR: path.join(scratch, "cache") })!;
  const checker = new PolicyTypeChecker(root, { stateFile });
  assert.deepEqual(await recheck(checker, root), []);
  checker.saveState();
  edit(root, "payments.policy.ts", "v2: { labels", "v3: { labels");
  edit(root, "payments.policy.ts", "v2: 10", "v3: 10");
  const renamed = await expectSame(checker, root, "declarations");
  assert.equal(renamed.length, 1, renamed.join("\n"));
  checker.saveState();
  // A new process, from the saved state: the edit is checked, its importer's error found again.
  const next = new PolicyTypeChecker(root, { stateFile });
  assert.deepEqual(await recheck(next, root), renamed);
  assert.equal(next.lastCheck, "full");
});

test("a generated mesh: the files importing an edited service's changed type are checked again", { timeout: 300_000 }, async () => {
  // Import cycles, lazy references and ~2.4 imports per module, as in the compile benchmark.
  const { dir: root, files: written } = generatePolicyRepository({ dir: path.join(scratch, "generated"), services: 30, seed: 7 });
  const checker = new PolicyTypeChecker(root);
  assert.deepEqual(await recheck(checker, root), []);
  const importedMost = written
    .map((file) => ({ file, importers: written.filter((other) => readFileSync(path.join(root, other), "utf8").includes(`/${path.basename(file, ".ts")}"`)).length }))
    .sort((a, b) => b.importers - a.importers || a.file.localeCompare(b.file))
    .slice(0, 3);
  for (const { file, importers } of importedMost) {
    assert.ok(importers > 0, `${file} is imported`);
    // Its type no longer a service: it and every file referring to it report an error.
    edit(root, file, " = defineService(", ": number = defineService(");
    const broken = await expectSame(checker, root, "declarations");
    assert.ok(broken.length > importers, broken.join("\n"));
    assert.equal(checker.checkedFiles, 1 + importers);
    edit(root, file, ": number = defineService(", " = defineService(");
    assert.deepEqual(await expectSame(checker, root, "declarations"), []);
  }
});
