// `typemesh check --watch` as a user runs it: a report at start, another after each edit (an error
// appears, then goes), and a clean stop on SIGTERM or Ctrl-C, with exit code 0.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";

const repo = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");

interface Report { ok: boolean; errors: number; diagnostics: { code: string; location?: { file: string; line: number } }[] }

test("check --watch reports at start and after each edit, and stops cleanly on a signal", { timeout: 120_000 }, async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "typemesh-watch-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  cpSync(path.join(repo, "policies"), dir, { recursive: true });
  const child = spawn(process.execPath, [path.join(repo, "bin/typemesh.js"), "check", dir, "--watch", "--format", "json"], {
    env: { ...process.env, NO_COLOR: "1", TYPEMESH_CACHE_DIR: path.join(dir, ".cache") }, stdio: ["ignore", "pipe", "pipe"],
  });
  t.after(() => child.kill("SIGKILL"));
  const reports: Report[] = [];
  let stderr = "";
  let buffered = "";
  const waiters: (() => void)[] = [];
  child.stdout.on("data", (chunk: Buffer) => {
    buffered += chunk.toString();
    for (let end = buffered.indexOf("\n"); end >= 0; end = buffered.indexOf("\n")) {
      const line = buffered.slice(0, end);
      buffered = buffered.slice(end + 1);
      if (line.trim()) reports.push(JSON.parse(line) as Report);
      waiters.splice(0).forEach((wake) => wake());
    }
  });
  child.stderr.on("data", (chunk: Buffer) => { stderr += chunk.toString(); });
  const report = async (n: number): Promise<Report> => {
    const deadline = Date.now() + 60_000;
    while (reports.length < n) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`no report ${n} (have ${reports.length}): ${stderr}`);
      await new Promise<void>((resolve) => { waiters.push(resolve); setTimeout(resolve, 200); });
    }
    return reports[n - 1]!;
  };

  assert.equal((await report(1)).ok, true, JSON.stringify(reports[0]));
  const file = path.join(dir, "checkout.policy.ts");
  const text = readFileSync(file, "utf8");
  writeFileSync(file, `${text}\nexport const broken: number = "not a number";\n`);
  const broken = await report(2);
  assert.equal(broken.ok, false);
  assert.ok(broken.diagnostics.some((d) => d.code === "TM0001" && d.location?.file === "checkout.policy.ts"), JSON.stringify(broken));
  writeFileSync(file, text);
  assert.equal((await report(3)).ok, true, JSON.stringify(reports[2]));

  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  child.kill("SIGTERM");
  assert.equal(await exited, 0, `check --watch did not stop cleanly: ${stderr}`);
  assert.equal(stderr, "", "nothing on stderr");
});
