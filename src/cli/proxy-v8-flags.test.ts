// The sidecar's bound on the young generation works when set at run time (a Node.js upgrade could make V8
// read the growth factor only at start-up, silently): in a process of its own, since it changes that
// process's V8.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { test } from "node:test";

/** The new space's size in MB at the start and the largest it got while allocating young garbage. */
function newSpace(capMb: number | undefined): { start: number; largest: number } {
  const script = `
    const v8 = await import("node:v8");
    const { boundYoungGeneration } = await import(${JSON.stringify(new URL("./proxy-v8-flags.ts", import.meta.url).href)});
    const size = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === "new_space").space_size / 2 ** 20;
    const start = size();
    ${capMb === undefined ? "" : `boundYoungGeneration(${capMb});`}
    let largest = start;
    let keep = [];
    // As a server allocates: in turns of the event loop, each keeping some of what it made for a while.
    for (let turn = 0; turn < 400; turn++) {
      for (let i = 0; i < 5000; i++) { keep.push({ i, s: "x" + i }); if (keep.length > 3000) keep = []; }
      largest = Math.max(largest, size());
      await new Promise((resolve) => setImmediate(resolve));
    }
    process.stdout.write(JSON.stringify({ start, largest }));`;
  return JSON.parse(execFileSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { encoding: "utf8" })) as { start: number; largest: number };
}

test("the new space grows up to the cap and no further", () => {
  const free = newSpace(undefined);
  assert.ok(free.largest >= 16, `without a bound V8 grows the new space (${free.start} → ${free.largest} MB), else this test shows nothing`);
  const bounded = newSpace(8);
  assert.ok(bounded.largest <= 8, `bounded at 8 MB, the new space got to ${bounded.largest} MB`);
  assert.ok(bounded.largest >= Math.min(8, free.largest), `below the cap it may still grow (${bounded.start} → ${bounded.largest} MB)`);
});
