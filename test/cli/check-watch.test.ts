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
  const scratch = mkdtempSync(path.join(os.tmpdir(), "typemesh-watch-"));
  t.after(() => rmSync(scratch, { recursive: true, force: true }));
  const dir = path.join(scratch, "policies");
  cpSync(path.join(repo, "policies"), dir, { recursive: true });
  const child = spawn(process.execPath, [path.join(repo, "bin/typemesh.js"), "check", dir, "--watch", "--format", "json"], {
    env: { ...process.env, NO_COLOR: "1", TYPEMESH_CACHE_DIR: path.join(scratch, "cache") }, stdio: ["ignore", "pipe", "pipe"],
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
  /**
   * The first report after `after` reports that `matches`, once `write` (an edit) is made. The edit is
   * made again if no report at all follows it within 5 s: Node's recursive watcher on Linux walks the
   * directory asynchronously once started, and misses a change made meanwhile.
   */
  const reportAfter = async (after: number, matches: (r: Report) => boolean, write?: () => void): Promise<Report> => {
    const deadline = Date.now() + 60_000;
    let writtenAt = 0;
    let countAtWrite = 0;
    for (;;) {
      const found = reports.slice(after).find(matches);
      if (found) return found;
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`no matching report after ${after} (have ${reports.length}: ${JSON.stringify(reports.slice(after))}): ${stderr}`);
      if (write && (writtenAt === 0 || (reports.length === countAtWrite && Date.now() - writtenAt > 5000))) {
        write();
        writtenAt = Date.now();
        countAtWrite = reports.length;
      }
      await new Promise<void>((resolve) => { waiters.push(resolve); setTimeout(resolve, 200); });
    }
  };

  assert.equal((await reportAfter(0, () => true)).ok, true, JSON.stringify(reports[0]));
  const file = path.join(dir, "checkout.policy.ts");
  const text = readFileSync(file, "utf8");
  const broken = await reportAfter(1, (r) => !r.ok, () => writeFileSync(file, `${text}\nexport const broken: number = "not a number";\n`));
  assert.ok(broken.diagnostics.some((d) => d.code === "TM0001" && d.location?.file === "checkout.policy.ts"), JSON.stringify(broken));
  const brokenAt = reports.indexOf(broken) + 1;
  assert.equal((await reportAfter(brokenAt, (r) => r.ok, () => writeFileSync(file, text))).ok, true);

  // Stopped while the check of an edit is running: still a clean stop (a check cut short is no error).
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  writeFileSync(file, `${text}\n// edited once more\n`);
  await new Promise((resolve) => setTimeout(resolve, 60));
  child.kill("SIGTERM");
  assert.equal(await exited, 0, `check --watch did not stop cleanly: ${stderr}`);
  assert.equal(stderr, "", "nothing on stderr");
});
