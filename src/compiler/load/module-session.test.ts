// A session's module-by-module evaluation must answer exactly as a one-shot compile of the same files
// does, and hand over to the bundle whenever it is not sure: each edit below is compiled both ways.
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";
import { compilePolicies, type CompileResult } from "../compile.ts";
import { createPhaseCache } from "../phase-cache.ts";
import { createIncrementalBundler } from "./bundle.ts";
import { createModuleSession } from "./module-session.ts";
import { createTypeCheckWorker } from "./type-check-worker.ts";

const scratch = mkdtempSync(path.join(tmpdir(), "typemesh-module-session-"));
after(() => rmSync(scratch, { recursive: true, force: true }));
const demo = fileURLToPath(new URL("../../../policies", import.meta.url));

/** The parts of a result both paths must agree on (the graph's root is the same directory). */
const comparable = (result: CompileResult) => ({ diagnostics: result.diagnostics, graph: result.graph, ir: result.ir });

test("edits answered module by module compile as a one-shot compile does; anything else goes to the bundle", async () => {
  const root = path.join(scratch, "demo");
  cpSync(demo, root, { recursive: true });
  // A shared module that is not a policy file: its importer must be described again when it changes.
  writeFileSync(path.join(root, "limits.ts"), `export const writeTimeout = "2s";\n`);
  const catalogFile = path.join(root, "catalog.policy.ts");
  const catalog = readFileSync(catalogFile, "utf8");
  writeFileSync(catalogFile, `import { writeTimeout } from "./limits";\n${catalog.replace(`{ name: "writes", to: "v1", timeout: "2s" }`, `{ name: "writes", to: "v1", timeout: writeTimeout }`)}`);
  const checkoutFile = path.join(root, "checkout.policy.ts");
  const frontendFile = path.join(root, "frontend.policy.ts");
  const checkout = readFileSync(checkoutFile, "utf8");
  const frontend = readFileSync(frontendFile, "utf8");

  const typeChecker = createTypeCheckWorker(root);
  const bundler = createIncrementalBundler(root);
  const modules = createModuleSession();
  const phaseCache = createPhaseCache(); // as a session has: the later phases reuse what the modules hand over unchanged
  const compile = async () => {
    const session = await compilePolicies(root, { typeChecker, bundler, modules, phaseCache });
    const answer = modules.lastAnswer;
    const oneShot = await compilePolicies(root, { cache: false });
    assert.deepEqual(comparable(session), comparable(oneShot));
    return { result: session, answeredByModules: answer.by === "modules", fallback: answer.by === "bundle" ? answer.why : undefined };
  };
  const codes = (result: CompileResult) => result.diagnostics.map((d) => `${d.code} ${d.location?.file}:${d.location?.line}`);
  try {
    const first = await compile();
    assert.equal(first.answeredByModules, false, "the first compile is the bundle's");
    assert.deepEqual(first.result.diagnostics, []);

    // A split changed: only checkout.policy.ts and its importers are described again.
    writeFileSync(checkoutFile, checkout.replace("split: { v1: 90, v2: 10 },\n      timeout: \"3s\"", "split: { v1: 80, v2: 20 },\n      timeout: \"3s\""));
    let step = await compile();
    assert.equal(step.answeredByModules, true, step.fallback);
    assert.ok(step.result.ir);

    // A semantic error, at the line where it now is.
    writeFileSync(checkoutFile, checkout.replace("split: { v1: 90, v2: 10 },\n      timeout: \"3s\"", "split: { v1: 80, v2: 10 },\n      timeout: \"3s\""));
    step = await compile();
    assert.equal(step.answeredByModules, true, step.fallback);
    assert.deepEqual(codes(step.result), ["TM1002 checkout.policy.ts:29"]);

    // Lines added above every declaration of a module others import: its sites move, the rest stay.
    writeFileSync(frontendFile, `// one\n// two\n${frontend}`);
    step = await compile();
    assert.equal(step.answeredByModules, true, step.fallback);

    // The shared module changes a value its importer uses.
    writeFileSync(path.join(root, "limits.ts"), `export const writeTimeout = "2500ms";\n`);
    step = await compile();
    assert.equal(step.answeredByModules, true, step.fallback);
    assert.equal(step.result.graph?.services.find((s) => s.spec.name === "catalog")?.spec.routes instanceof Array, true);

    // A new import: the order of evaluation may change, so the bundle answers (and primes again).
    writeFileSync(checkoutFile, `import { writeTimeout } from "./limits";\nvoid writeTimeout;\n${checkout}`);
    step = await compile();
    assert.equal(step.answeredByModules, false);
    assert.match(step.fallback ?? "", /changed its imports/);

    // Back to modules, then a policy that throws: the bundle explains it (TM0004).
    writeFileSync(checkoutFile, `import { writeTimeout } from "./limits";\nvoid writeTimeout;\n${checkout.replace("port: 8080,", "port: 8081,")}`);
    step = await compile();
    assert.equal(step.answeredByModules, true, step.fallback);
    writeFileSync(checkoutFile, `import { writeTimeout } from "./limits";\nvoid writeTimeout;\nif (writeTimeout) throw new Error("no");\n${checkout}`);
    step = await compile();
    assert.equal(step.answeredByModules, false);
    assert.deepEqual(codes(step.result), ["TM0004 checkout.policy.ts:3"]);

    // Back to modules, then an endless loop: the module sandbox's time limit hands it to the bundle,
    // whose sandbox names the loop (TM0005).
    writeFileSync(checkoutFile, `import { writeTimeout } from "./limits";\nvoid writeTimeout;\n${checkout.replace("port: 8080,", "port: 8082,")}`);
    step = await compile();
    assert.equal(step.answeredByModules, true, step.fallback);
    writeFileSync(checkoutFile, `import { writeTimeout } from "./limits";\nvoid writeTimeout;\nlet spin = 0;\nwhile (writeTimeout) spin++;\n${checkout}`);
    step = await compile();
    assert.equal(step.answeredByModules, false);
    assert.match(step.fallback ?? "", /evaluating the changed modules failed/);
    assert.deepEqual(codes(step.result), ["TM0005 checkout.policy.ts:4"]);

    // A module that names the wrapper's CommonJS parameters (or its arguments) itself is the bundle's
    // to evaluate: there they do not exist.
    for (const named of ["typeof module", "typeof require", "(function () { return arguments.length; })()"]) {
      writeFileSync(checkoutFile, `import { writeTimeout } from "./limits";\nvoid writeTimeout;\nexport const wrapped = ${named};\n${checkout}`);
      step = await compile();
      assert.equal(step.answeredByModules, false, named);
      // The first such edit is refused when prepared; after it the session cannot prime at all.
      assert.match(step.fallback ?? "", /does not transform on its own|not one the module sandbox takes as it is/);
    }

    // A policy file added: the bundle answers.
    writeFileSync(checkoutFile, checkout);
    writeFileSync(path.join(root, "extra.policy.ts"), `import { defineService } from "typemesh";\nexport const extra = defineService({ name: "extra", namespace: "shop", port: 8080, versions: { v1: {} } });\n`);
    step = await compile();
    assert.equal(step.answeredByModules, false);
  } finally {
    modules.dispose();
    await Promise.all([bundler.dispose(), typeChecker.dispose()]);
  }
});
