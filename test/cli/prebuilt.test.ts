// The prebuilt sidecar and CLI are used only while they are current: a source newer than the bundle, a
// source gone, or no bundle at all sends bin/typemesh.js back to the TypeScript sources. Prebuilt, they
// answer as the sources do.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { test } from "node:test";
// @ts-expect-error a plain JavaScript module of the bin, without types
import { prebuilt } from "../../bin/prebuilt.js";

function fixture(): { dir: string; root: URL } {
  const dir = mkdtempSync(path.join(os.tmpdir(), "typemesh-prebuilt-"));
  mkdirSync(path.join(dir, "src"), { recursive: true });
  mkdirSync(path.join(dir, "dist"), { recursive: true });
  writeFileSync(path.join(dir, "src/a.ts"), "export {};\n");
  writeFileSync(path.join(dir, "dist/proxy.inputs.json"), JSON.stringify(["src/a.ts"]));
  const past = new Date(Date.now() - 60_000);
  utimesSync(path.join(dir, "src/a.ts"), past, past);
  writeFileSync(path.join(dir, "dist/proxy.mjs"), "// built\n");
  return { dir, root: pathToFileURL(`${dir}/`) };
}

test("the prebuilt sidecar is used while it is newer than every source it was built from", () => {
  const { dir, root } = fixture();
  try {
    assert.equal(prebuilt(root, "proxy")?.href, pathToFileURL(path.join(dir, "dist/proxy.mjs")).href);
    const future = new Date(Date.now() + 60_000);
    utimesSync(path.join(dir, "src/a.ts"), future, future); // an edit after the build
    assert.equal(prebuilt(root, "proxy"), undefined);
    rmSync(path.join(dir, "src/a.ts"));
    assert.equal(prebuilt(root, "proxy"), undefined);
    rmSync(path.join(dir, "dist"), { recursive: true });
    assert.equal(prebuilt(root, "proxy"), undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the repository's prebuilt sidecar (npm ci builds it) answers like the sources do", () => {
  const bin = path.resolve("bin/typemesh.js");
  const fromBundle = execFileSync(process.execPath, [bin, "proxy", "--help"], { encoding: "utf8" });
  const fromSource = execFileSync(process.execPath, [bin, "proxy", "--help"], { encoding: "utf8", env: { ...process.env, TYPEMESH_FROM_SOURCE: "1" } });
  assert.equal(fromBundle, fromSource);
  assert.ok(prebuilt(pathToFileURL(`${path.resolve(".")}/`), "proxy"), "dist/proxy.mjs is missing or stale: npm ci (prepare) builds it");
});

/** `typemesh <args>`, prebuilt and from the sources: exit code and output of each. */
function both(args: string[]): { prebuilt: { status: number | null; output: string }; source: { status: number | null; output: string } } {
  const bin = path.resolve("bin/typemesh.js");
  const run = (env: NodeJS.ProcessEnv) => {
    const result = spawnSync(process.execPath, [bin, ...args], { encoding: "utf8", env: { ...process.env, NO_COLOR: "1", TYPEMESH_NO_CACHE: "1", ...env } });
    return { status: result.status, output: `${result.stdout}${result.stderr}` };
  };
  return { prebuilt: run({}), source: run({ TYPEMESH_FROM_SOURCE: "1" }) };
}

test("the repository's prebuilt CLI answers like the sources: help, a clean check, a check that fails", { timeout: 120_000 }, () => {
  assert.ok(prebuilt(pathToFileURL(`${path.resolve(".")}/`), "cli"), "dist/cli.mjs is missing or stale: npm ci (prepare) builds it");
  const help = both(["--help"]);
  assert.equal(help.prebuilt.status, 0);
  assert.deepEqual(help.prebuilt, help.source);
  // A check runs the type checker's thread, the bundler's allow-list and the sandbox from the bundle.
  const report = (output: string) => ({ ...JSON.parse(output) as object, durationMs: undefined });
  const clean = both(["check", "policies", "--format", "json"]);
  assert.equal(clean.prebuilt.status, 0, clean.prebuilt.output);
  assert.deepEqual(report(clean.prebuilt.output), report(clean.source.output));
  const broken = both(["check", "test/fixtures/invalid/type-route-to-undeclared-version", "--format", "json"]);
  assert.equal(broken.prebuilt.status, 1, broken.prebuilt.output);
  assert.equal(broken.source.status, 1);
  assert.ok((JSON.parse(broken.prebuilt.output) as { errors: number }).errors > 0);
  assert.deepEqual(report(broken.prebuilt.output), report(broken.source.output));
});
