// typemesh build --target: every target written side by side, deterministic, and nothing at all
// written when --strict-targets turns a target's limits into errors.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";

const repo = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");
const cli = (args: string[]) => spawnSync(process.execPath, [path.join(repo, "bin/typemesh.js"), ...args], { cwd: repo, encoding: "utf8" });

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name))).sort();
}

test("--target all writes the bundle and each mesh's manifests, the same bytes every time, with no stale files", () => {
  const work = mkdtempSync(path.join(os.tmpdir(), "typemesh-build-"));
  try {
    const first = cli(["build", "policies", "--target", "all", "--out", path.join(work, "a")]);
    assert.equal(first.status, 0, first.stdout + first.stderr);
    assert.match(first.stdout, /warning TM30\d\d: linkerd: /, "what a target cannot express is reported, not dropped");
    for (const target of ["istio", "gateway-api", "linkerd"]) assert.ok(existsSync(path.join(work, "a", target, "kustomization.yaml")), target);
    mkdirSync(path.join(work, "b", "istio"), { recursive: true });
    writeFileSync(path.join(work, "b", "istio", "stale.yaml"), "kind: Leftover\n");
    assert.equal(cli(["build", "policies", "--target", "all", "--out", path.join(work, "b")]).status, 0);
    const files = listFiles(path.join(work, "a"));
    assert.deepEqual(listFiles(path.join(work, "b")), files);
    for (const file of files) assert.equal(readFileSync(path.join(work, "b", file), "utf8"), readFileSync(path.join(work, "a", file), "utf8"), file);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});

test("--strict-targets makes a target's limits errors, and then nothing is written, not even the bundle", () => {
  const work = mkdtempSync(path.join(os.tmpdir(), "typemesh-build-"));
  try {
    const run = cli(["build", "policies", "--target", "bundle,linkerd", "--strict-targets", "--out", work]);
    assert.equal(run.status, 1);
    assert.match(run.stdout, /error TM30\d\d: linkerd: /);
    assert.match(run.stdout, /Nothing written/);
    assert.deepEqual(readdirSync(work), []);
    assert.equal(cli(["build", "policies", "--target", "consul"]).status, 64);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
