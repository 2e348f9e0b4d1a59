// The prebuilt sidecar is used only while it is current: a source newer than the bundle, a source gone,
// or no bundle at all sends bin/typemesh.js back to the TypeScript sources.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { test } from "node:test";
// @ts-expect-error a plain JavaScript module of the bin, without types
import { prebuiltProxy } from "../../bin/prebuilt.js";

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
    assert.equal(prebuiltProxy(root)?.href, pathToFileURL(path.join(dir, "dist/proxy.mjs")).href);
    const future = new Date(Date.now() + 60_000);
    utimesSync(path.join(dir, "src/a.ts"), future, future); // an edit after the build
    assert.equal(prebuiltProxy(root), undefined);
    rmSync(path.join(dir, "src/a.ts"));
    assert.equal(prebuiltProxy(root), undefined);
    rmSync(path.join(dir, "dist"), { recursive: true });
    assert.equal(prebuiltProxy(root), undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the repository's prebuilt sidecar (npm ci builds it) answers like the sources do", () => {
  const bin = path.resolve("bin/typemesh.js");
  const prebuilt = execFileSync(process.execPath, [bin, "proxy", "--help"], { encoding: "utf8" });
  const fromSource = execFileSync(process.execPath, [bin, "proxy", "--help"], { encoding: "utf8", env: { ...process.env, TYPEMESH_FROM_SOURCE: "1" } });
  assert.equal(prebuilt, fromSource);
  assert.ok(prebuiltProxy(pathToFileURL(`${path.resolve(".")}/`)), "dist/proxy.mjs is missing or stale: npm ci (prepare) builds it");
});
