// The prebuilt sidecar imports undici's Pool, buildConnector and util from the files that define them,
// not undici's index (scripts/sidecar-undici.mjs): they must be undici's own, as its index exports them.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { pathToFileURL } from "node:url";
// @ts-expect-error a plain JavaScript module of the build, without types
import { SIDECAR_UNDICI } from "../../scripts/sidecar-undici.mjs";

const work = mkdtempSync(path.join(os.tmpdir(), "typemesh-sidecar-undici-"));
symlinkSync(path.resolve("node_modules"), path.join(work, "node_modules"), "dir");
after(() => rmSync(work, { recursive: true, force: true }));

test("the sidecar's undici exports are undici's own, and its dispatchers have undici's request methods", async () => {
  const file = path.join(work, "undici.mjs");
  writeFileSync(file, SIDECAR_UNDICI as string);
  const sidecar = await import(pathToFileURL(file).href) as Record<string, any>;
  // Before undici's index is loaded in this process (it would add them too).
  for (const method of ["request", "stream", "pipeline", "upgrade", "connect"]) {
    assert.equal(typeof sidecar.Pool.prototype[method], "function", `Pool.prototype.${method}`);
  }
  // undici's index, from the same node_modules (so the same module instances, as CommonJS caches them).
  const undici = createRequire(file)("undici") as Record<string, any>;
  assert.equal(sidecar.Pool, undici.Pool);
  assert.equal(sidecar.buildConnector, undici.buildConnector);
  assert.equal(sidecar.Dispatcher, undici.Dispatcher);
  assert.deepEqual(Object.keys(sidecar.util).sort(), Object.keys(undici.util).sort());
  for (const name of Object.keys(undici.util)) assert.equal(sidecar.util[name], undici.util[name], `util.${name}`);
});

test("the repository's prebuilt sidecar does not import undici's index", () => {
  const bundle = readFileSync("dist/proxy.mjs", "utf8");
  assert.doesNotMatch(bundle, /from "undici"/);
  assert.match(bundle, /from "undici\/lib\/dispatcher\/pool\.js"/);
});
