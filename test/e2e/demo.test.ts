// `npm start` end to end: the demo starts from a copy of policies/, serves traffic, applies a policy
// edit live, refuses a broken policy without changing anything, and stops cleanly on Ctrl-C (SIGINT).
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";

const repo = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");

function get(port: number, host: string, pathname: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path: pathname, headers: { host } }, (res) => {
      res.resume();
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
    });
    req.on("error", reject);
    req.end();
  });
}

let work: string;
let demo: ChildProcess;
let output = "";

function waitForOutput(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const check = setInterval(() => {
      const match = pattern.exec(output);
      if (match) { clearInterval(check); resolve(match); }
      else if (Date.now() - started > timeoutMs) { clearInterval(check); reject(new Error(`no ${pattern} in output:\n${output}`)); }
    }, 50);
  });
}

before(() => {
  work = mkdtempSync(path.join(os.tmpdir(), "typemesh-demo-"));
  cpSync(path.join(repo, "policies"), path.join(work, "policies"), { recursive: true });
  demo = spawn(process.execPath, [path.join(repo, "bin/typemesh.js"), "up", path.join(work, "policies"), "--port", "0", "--duration", "120", "--state-dir", path.join(work, "state")], { cwd: repo, stdio: ["ignore", "pipe", "pipe"] });
  demo.stdout!.on("data", (chunk: Buffer) => { output += chunk.toString(); });
  demo.stderr!.on("data", (chunk: Buffer) => { output += chunk.toString(); });
});

after(() => {
  demo.kill("SIGKILL");
  rmSync(work, { recursive: true, force: true });
});

test("npm start runs the demo mesh, applies policy edits live, refuses broken ones, stops on Ctrl-C", { timeout: 90_000 }, async () => {
  await waitForOutput(/typemesh demo is running/, 40_000);
  const entry = Number((await waitForOutput(/try a request\s+curl -s -H 'Host: frontend' http:\/\/127\.0\.0\.1:(\d+)\//, 1000))[1]);
  assert.match(output, /control plane\s+http:\/\/127\.0\.0\.1:\d+/);

  const first = await get(entry, "frontend", "/");
  assert.equal(first.status, 200);
  assert.equal(first.headers["x-served-by"], "typemesh");

  // A live edit: the response header the frontend's route sets.
  const file = path.join(work, "policies/frontend.policy.ts");
  const original = readFileSync(file, "utf8");
  writeFileSync(file, original.replace('"x-served-by": "typemesh"', '"x-served-by": "typemesh-edited"'));
  const edited = Date.now();
  let seen = "";
  while (Date.now() - edited < 10_000) {
    seen = String((await get(entry, "frontend", "/")).headers["x-served-by"]);
    if (seen === "typemesh-edited") break;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  assert.equal(seen, "typemesh-edited", "the edit never took effect");
  const tookMs = Date.now() - edited;
  console.log(`policy edit live after ${tookMs} ms`);
  // Typically 200–400 ms; the bound leaves room for a loaded CI machine.
  assert.ok(tookMs < 5000, `policy edit took ${tookMs} ms`);

  // A broken policy: reported, and the running config stays.
  writeFileSync(file, original.replace('timeout: "3s"', 'timeout: "3 seconds"'));
  await waitForOutput(/policy change NOT applied[\s\S]*TM0001/, 10_000);
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal((await get(entry, "frontend", "/")).headers["x-served-by"], "typemesh-edited");

  // Traffic kept flowing the whole time.
  await waitForOutput(/traffic: \d+ sent/, 10_000);
  const exit = new Promise<number | null>((resolve) => demo.once("exit", (code) => resolve(code)));
  demo.kill("SIGINT");
  assert.equal(await exit, 0);
  assert.match(output, /demo stopped/);
  const final = /traffic: (\d+) sent, (\d+) answered, ([\d.]+)% ok/g;
  const figures = [...output.matchAll(final)].at(-1)!;
  console.log(output.split("\n").filter((l) => /traffic:|resilience:/.test(l)).slice(-2).join("\n"));
  assert.ok(Number(figures[1]) > 20, output);
  const resilience = [...output.matchAll(/resilience: (\d+) retries .*?, (\d+) timeouts, (\d+) faults injected, (\d+) mirrored/g)].at(-1);
  assert.ok(resilience, "no resilience line in the demo's output");
  // At least 99% of pages succeed across the live edit and the refused one. On a machine so starved
  // that the demo's own tight per-try timeouts fire (catalog search: 250 ms), a page whose call timed
  // out fails by policy; then no more pages may fail than the proxies counted timeouts (seen with four
  // busy loops on the two cores: 1 of 82 pages, 5 timeouts).
  const failedPages = Math.round(Number(figures[2]) * (1 - Number(figures[3]) / 100));
  assert.ok(Number(figures[3]) >= 99 || failedPages <= Number(resilience[2]),
    `traffic success ${figures[3]}%:\n${output.split("\n").filter((l) => /traffic:|resilience:|policy/.test(l)).slice(-12).join("\n")}`);
  // The demo shows its resilience policies at work (docs/resilience.md): faults on /deals, mirrored
  // charges. Asserted once the traffic makes a miss all but impossible (10% of pages are /deals, each
  // injected with 55%; 15% are /buy, mirrored at 20%).
  if (Number(figures[1]) >= 150) assert.ok(Number(resilience[3]) > 0, resilience[0]);
  if (Number(figures[1]) >= 300) assert.ok(Number(resilience[4]) > 0, resilience[0]);
});
