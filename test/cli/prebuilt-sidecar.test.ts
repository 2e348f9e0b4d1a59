// The prebuilt sidecar imports what it uses of undici and prom-client from the files that define it, not
// from the packages' indexes (scripts/sidecar-packages.mjs): each export must be the package's own, as its
// index exports it.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { pathToFileURL } from "node:url";
// @ts-expect-error a plain JavaScript module of the build, without types
import { SIDECAR_PACKAGES } from "../../scripts/sidecar-packages.mjs";

const packages = SIDECAR_PACKAGES as Record<string, string>;
const work = mkdtempSync(path.join(os.tmpdir(), "typemesh-sidecar-packages-"));
symlinkSync(path.resolve("node_modules"), path.join(work, "node_modules"), "dir");
after(() => rmSync(work, { recursive: true, force: true }));

async function load(name: string): Promise<{ sidecar: Record<string, any>; index: () => Record<string, any> }> {
  const file = path.join(work, `${name}.mjs`);
  writeFileSync(file, packages[name]!);
  const sidecar = await import(pathToFileURL(file).href) as Record<string, any>;
  // The index from the same node_modules: the same module instances, as CommonJS caches them.
  return { sidecar, index: () => createRequire(file)(name) as Record<string, any> };
}

function assertSame(sidecar: Record<string, any>, index: Record<string, any>, name: string): void {
  for (const [key, value] of Object.entries(sidecar)) {
    if (value && Object.getPrototypeOf(value) === Object.prototype) {
      // An object the index makes of the package's functions (undici's util): the same ones.
      assert.deepEqual(Object.keys(value).sort(), Object.keys(index[key]).sort(), `${name}.${key}`);
      for (const [member, fn] of Object.entries(value)) assert.equal(fn, index[key][member], `${name}.${key}.${member}`);
    } else assert.equal(value, index[key], `${name}.${key}`);
  }
}

test("the sidecar's undici is undici's own, and its dispatchers have undici's request methods", async () => {
  const { sidecar, index } = await load("undici");
  // Before undici's index is loaded in this process (it would add them too).
  for (const method of ["request", "stream", "pipeline", "upgrade", "connect"]) {
    assert.equal(typeof sidecar.Pool.prototype[method], "function", `Pool.prototype.${method}`);
  }
  assertSame(sidecar, index(), "undici");
});

test("the sidecar's prom-client is prom-client's own, its global registry included", async () => {
  const { sidecar, index } = await load("prom-client");
  assertSame(sidecar, index(), "prom-client");
});

test("the repository's prebuilt sidecar imports neither package's index", () => {
  const bundle = readFileSync("dist/proxy.mjs", "utf8");
  for (const name of Object.keys(packages)) {
    // Minified: `from"undici/lib/…"`, no space.
    assert.doesNotMatch(bundle, new RegExp(`from ?"${name}"`), name);
    assert.match(bundle, new RegExp(`from ?"${name}/lib/`), name);
  }
});
