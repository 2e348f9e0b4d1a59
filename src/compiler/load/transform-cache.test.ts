import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";
import { compilePolicies } from "../compile.ts";
import { createIncrementalBundler } from "./bundle.ts";
import { transformModule, TRANSFORMS_MADE_BY } from "./module-graph.ts";
import { createModuleSession } from "./module-session.ts";
import { openTransformCache } from "./transform-cache.ts";
import { createTypeCheckWorker } from "./type-check-worker.ts";

const scratch = mkdtempSync(path.join(tmpdir(), "typemesh-transform-cache-"));
after(() => rmSync(scratch, { recursive: true, force: true }));
const demo = fileURLToPath(new URL("../../../policies", import.meta.url));

const POLICY = `import { defineService } from "typemesh";\nexport const cart = defineService({ name: "cart", namespace: "shop", port: 8080, versions: { v1: {} } });\n`;

test("a saved transform is answered to the next session for the same text, and only for it", async () => {
  const root = path.join(scratch, "unit");
  cpSync(demo, root, { recursive: true });
  const policy = path.join(root, "cart.policy.ts");
  writeFileSync(policy, POLICY);
  const file = path.join(scratch, "unit.transforms.json");

  const first = openTransformCache(file, TRANSFORMS_MADE_BY);
  const made = await transformModule(root, policy, POLICY, first);
  assert.ok(made);
  assert.deepEqual(first.get("cart.policy.ts", POLICY), { code: made.code, map: made.map });
  first.save();

  const next = openTransformCache(file, TRANSFORMS_MADE_BY);
  assert.deepEqual(next.get("cart.policy.ts", POLICY), { code: made.code, map: made.map });
  // The module it makes from the cache is the one esbuild makes.
  const again = await transformModule(root, policy, POLICY, next);
  assert.deepEqual(again, made);
  assert.equal(next.get("cart.policy.ts", POLICY.replace("8080", "9090")), undefined, "another text misses");
  assert.equal(next.get("other.policy.ts", POLICY), undefined, "another module misses");
  assert.equal(openTransformCache(file, `${TRANSFORMS_MADE_BY} (another esbuild)`).get("cart.policy.ts", POLICY), undefined);

  writeFileSync(file, "{ not json");
  assert.equal(openTransformCache(file, TRANSFORMS_MADE_BY).get("cart.policy.ts", POLICY), undefined, "a corrupt file is an empty cache");
});

test("a session keeps only each module's latest transform", async () => {
  const file = path.join(scratch, "latest.transforms.json");
  const cache = openTransformCache(file, TRANSFORMS_MADE_BY);
  for (let port = 8000; port < 8010; port++) cache.set("cart.policy.ts", POLICY.replace("8080", String(port)), { code: `// ${port}`, map: "{}" });
  cache.save();
  const entries = Object.values((JSON.parse(readFileSync(file, "utf8")) as { entries: Record<string, { code: string }> }).entries);
  assert.deepEqual(entries.map((e) => e.code), ["// 8009"]);
});

test("a session primes from the transforms an earlier one saved; a cached transform that lies leaves it on the bundle", async () => {
  const root = path.join(scratch, "session");
  cpSync(demo, root, { recursive: true });
  const file = path.join(scratch, "session.transforms.json");
  const checkoutFile = path.join(root, "checkout.policy.ts");
  const checkout = readFileSync(checkoutFile, "utf8");
  const edit = () => writeFileSync(checkoutFile, checkout.replace("split: { v1: 90, v2: 10 },\n      timeout: \"3s\"", "split: { v1: 80, v2: 20 },\n      timeout: \"3s\""));

  /** A session's first compile (the bundle's, which primes), then one edit: who answered the edit. */
  const session = async () => {
    writeFileSync(checkoutFile, checkout);
    const typeChecker = createTypeCheckWorker(root);
    const bundler = createIncrementalBundler(root);
    const modules = createModuleSession({ transformCacheFile: file });
    try {
      await compilePolicies(root, { typeChecker, bundler, modules });
      edit();
      await compilePolicies(root, { typeChecker, bundler, modules });
      return modules.lastAnswer;
    } finally {
      modules.dispose();
      await Promise.all([bundler.dispose(), typeChecker.dispose()]);
    }
  };

  assert.deepEqual(await session(), { by: "modules" });
  const saved = JSON.parse(readFileSync(file, "utf8")) as { made: string; entries: Record<string, { code: string; map: string }> };
  assert.equal(saved.made, TRANSFORMS_MADE_BY);
  assert.ok(Object.keys(saved.entries).some((key) => key.startsWith("catalog.policy.ts\u0000")));

  // The next session takes catalog's transform from the file: one that declares another port shows it.
  const catalogKey = Object.keys(saved.entries).find((key) => key.startsWith("catalog.policy.ts\u0000"))!;
  const honest = saved.entries[catalogKey]!.code;
  assert.match(honest, /port: 8080/);
  saved.entries[catalogKey]!.code = honest.replace("port: 8080", "port: 8081");
  writeFileSync(file, JSON.stringify(saved));
  const lied = await session();
  assert.equal(lied.by, "bundle");
  assert.match(lied.by === "bundle" ? lied.why : "", /differs from the bundle/);
  // The failed priming dropped the cache, so the next session transforms anew and answers again.
  assert.deepEqual(await session(), { by: "modules" });
  const rebuilt = readFileSync(file, "utf8");
  assert.doesNotMatch(rebuilt, /port: 8081/);

  // A module the sandbox refuses says nothing against the cache: it stays as it was for the next session.
  const wrapped = path.join(root, "wrapped.policy.ts");
  writeFileSync(wrapped, `export const wrapped = typeof module;\n`);
  const refused = await session();
  assert.match(refused.by === "bundle" ? refused.why : "", /not one the module sandbox takes/);
  assert.equal(readFileSync(file, "utf8"), rebuilt);
  rmSync(wrapped);
});
