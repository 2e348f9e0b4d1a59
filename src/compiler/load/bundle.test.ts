// The bundler's import allow-list: only `typemesh` and TypeScript modules that really lie inside the
// policies directory (after following symbolic links) get into the bundle.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import * as esbuild from "esbuild";
import { bundlePolicies, withinAllowList } from "./bundle.ts";
import { dslEntry } from "./paths.ts";

const scratch = mkdtempSync(path.join(tmpdir(), "typemesh-bundle-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** A policies directory with the given files, beside a directory "outside" that it must not reach. */
function policies(name: string, files: Record<string, string>): string {
  const root = path.join(scratch, name, "policies");
  mkdirSync(path.join(scratch, name, "outside"), { recursive: true });
  writeFileSync(path.join(scratch, name, "outside", "secret.ts"), `export const secret = "s3cret";\n`);
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  }
  return root;
}

async function bundle(root: string, entry: string) {
  return bundlePolicies(root, [path.join(root, entry)]);
}

test("typemesh and policy modules in subdirectories are bundled", async () => {
  const root = policies("ok", {
    "a.policy.ts": `import { defineMesh } from "typemesh";\nimport { domain } from "./shared/domain";\ndefineMesh({ trustDomain: domain, mtls: "strict" });\n`,
    "shared/domain.ts": `export const domain = "shop.local";\n`,
  });
  const outcome = await bundle(root, "a.policy.ts");
  assert.deepEqual(outcome.diagnostics, []);
  assert.match(outcome.bundle?.code ?? "", /shop\.local/);
});

test("a symbolic link inside the directory that leads out of it is refused at the import", async () => {
  const root = policies("link", { "a.policy.ts": `// the link\nimport { secret } from "./helpers";\nexport const x = secret;\n` });
  symlinkSync(path.join(root, "../outside/secret.ts"), path.join(root, "helpers.ts"));
  const outcome = await bundle(root, "a.policy.ts");
  assert.equal(outcome.diagnostics[0]?.code, "TM0002");
  assert.deepEqual(outcome.diagnostics[0]?.location && [outcome.diagnostics[0].location.file, outcome.diagnostics[0].location.line], ["a.policy.ts", 2]);
  assert.match(outcome.diagnostics[0]?.message ?? "", /leads outside the policies directory/);
  assert.doesNotMatch(JSON.stringify(outcome), /s3cret/);
});

test("data files are not policy modules, even inside the directory", async () => {
  const root = policies("data", {
    "a.policy.ts": `import weights from "./weights.json";\nexport const w = weights;\n`,
    "weights.json": `{ "v1": 90, "v2": 10 }`,
  });
  const outcome = await bundle(root, "a.policy.ts");
  assert.equal(outcome.diagnostics[0]?.code, "TM0002");
  assert.match(outcome.diagnostics[0]?.message ?? "", /not a TypeScript module/);
});

test("packages, node builtins and paths out of the directory are refused", async () => {
  for (const specifier of ["node:fs", "yaml", "../outside/secret.ts", "/etc/hostname"]) {
    const root = policies(`refused-${specifier.replace(/\W/g, "")}`, { "a.policy.ts": `import * as m from ${JSON.stringify(specifier)};\nexport const x = m;\n` });
    const outcome = await bundle(root, "a.policy.ts");
    assert.equal(outcome.diagnostics[0]?.code, "TM0002", specifier);
  }
});

test("an import that does not resolve is a bundling error, not a refusal", async () => {
  const root = policies("missing", { "a.policy.ts": `import { b } from "./missing.policy";\nexport const x = b;\n` });
  const outcome = await bundle(root, "a.policy.ts");
  assert.equal(outcome.diagnostics[0]?.code, "TM0003");
});

test("imports resolve as esbuild resolves them: the .ts extension written out, a .tsx tried before .ts, a directory's index", async () => {
  const explicit = policies("explicit-ts", {
    "a.policy.ts": `import { b } from "./b.policy.ts";\n(globalThis as any).seen = b;\n`,
    "b.policy.ts": `export const b = "from-b";\n`,
  });
  const ok = await bundle(explicit, "a.policy.ts");
  assert.deepEqual(ok.diagnostics, []);
  assert.match(ok.bundle?.code ?? "", /from-b/);

  const tsx = policies("tsx-first", {
    "a.policy.ts": `import { b } from "./b";\n(globalThis as any).seen = b;\n`,
    "b.ts": `export const b = "from-ts";\n`,
    "b.tsx": `export const b = "from-tsx";\n`,
  });
  const refused = await bundle(tsx, "a.policy.ts");
  assert.equal(refused.diagnostics[0]?.code, "TM0002");
  assert.match(refused.diagnostics[0]?.message ?? "", /not a TypeScript module/);

  const index = policies("index", {
    "a.policy.ts": `import { b } from "./shared";\n(globalThis as any).seen = b;\n`,
    "shared/index.ts": `export const b = "from-index";\n`,
  });
  const fromIndex = await bundle(index, "a.policy.ts");
  assert.deepEqual(fromIndex.diagnostics, []);
  assert.match(fromIndex.bundle?.code ?? "", /from-index/);
});

// Bundling goes first without the allow-list plugin (bundle.ts, twoTries); its metafile must then show
// nothing the plugin would refuse, or the plugin decides.
async function metafileOf(root: string, entry: string): Promise<esbuild.Metafile> {
  const result = await esbuild.build({
    entryPoints: [path.join(root, entry)], absWorkingDir: root, bundle: true, write: false, outfile: path.join(root, "out.js"),
    platform: "neutral", logLevel: "silent", alias: { typemesh: dslEntry }, metafile: true,
  });
  return result.metafile!;
}

test("what esbuild bundles alone of a well-behaved directory is within the allow-list", async () => {
  const root = policies("alone-ok", {
    "a.policy.ts": `import { defineMesh } from "typemesh";\nimport { domain } from "./shared/domain";\ndefineMesh({ trustDomain: domain, mtls: "strict" });\n`,
    "shared/domain.ts": `export const domain = "shop.local";\n`,
  });
  assert.equal(withinAllowList(root, await metafileOf(root, "a.policy.ts")), true);
});

test("a bare import that a tsconfig's baseUrl resolves inside the directory is still refused", async () => {
  const root = policies("base-url", {
    "tsconfig.json": `{ "compilerOptions": { "baseUrl": "." } }\n`,
    "a.policy.ts": `import { domain } from "shared/domain";\nexport const x = domain;\n`,
    "shared/domain.ts": `export const domain = "shop.local";\n`,
  });
  // esbuild alone follows the tsconfig and finds the module inside; the metafile still tells how it
  // was written, so that bundle is not used …
  assert.equal(withinAllowList(root, await metafileOf(root, "a.policy.ts")), false);
  // … and the allow-list refuses it, as it refuses every bare import but "typemesh".
  const outcome = await bundle(root, "a.policy.ts");
  assert.equal(outcome.bundle, undefined);
  assert.equal(outcome.diagnostics[0]?.code, "TM0002");
  assert.equal(outcome.diagnostics[0]?.location?.line, 1);
  assert.match(outcome.diagnostics[0]?.message ?? "", /import "shared\/domain" is not allowed/);
});

test("a module outside the directory makes esbuild's own bundle unusable", async () => {
  const root = policies("alone-out", { "a.policy.ts": `import { secret } from "../outside/secret";\nexport const x = secret;\n` });
  assert.equal(withinAllowList(root, await metafileOf(root, "a.policy.ts")), false);
});

test("`typemesh` is always the authoring API, whatever a tsconfig in the directory maps it to", async () => {
  const root = policies("fake-dsl", {
    "tsconfig.json": `{ "compilerOptions": { "baseUrl": ".", "paths": { "typemesh": ["./fake.ts"] } } }\n`,
    "fake.ts": `export const defineMesh = () => "FAKE-AUTHORING-API";\n`,
    "a.policy.ts": `import { defineMesh } from "typemesh";\ndefineMesh({ trustDomain: "shop.local", mtls: "strict" });\n`,
  });
  const outcome = await bundle(root, "a.policy.ts");
  assert.deepEqual(outcome.diagnostics, []);
  assert.doesNotMatch(outcome.bundle?.code ?? "", /FAKE-AUTHORING-API/);
  assert.match(outcome.bundle?.code ?? "", /shop\.local/);
});
