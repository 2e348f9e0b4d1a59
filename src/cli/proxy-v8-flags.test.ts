// The sidecar's bounds on the young and the old generation work when set at run time (a Node.js upgrade
// could make V8 read a flag only at start-up, silently): each in a process of its own, since it changes
// that process's V8.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { test } from "node:test";
import { NEW_SPACE_CAP_MB } from "./proxy-v8-flags.ts";

/** The module under test, as a script run by `inProcess` imports it: `const flags = await import(${FLAGS})`. */
const FLAGS = JSON.stringify(new URL("./proxy-v8-flags.ts", import.meta.url).href);

/** Runs an ES module script in a node process of its own (V8's flags are the process's), through tsx; its stdout. */
function inProcess(script: string, nodeFlags: string[] = []): string {
  return execFileSync(process.execPath, [...nodeFlags, "--import", "tsx", "--input-type=module", "-e", script], { encoding: "utf8" });
}

/**
 * For scripts on the new space: `size()`, its size in MB; `burst()`, which allocates as a server does
 * (in turns of the event loop, each keeping some of what it made for a while) and answers the largest size
 * seen; and `shrink()` (node run with --expose-gc), which lets go of what burst kept and asks for
 * scavenges while idle, which V8 shrinks the new space at, and answers the smallest size seen.
 */
const NEW_SPACE = `
  const v8 = await import("node:v8");
  const size = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === "new_space").space_size / 2 ** 20;
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  let keep = [];
  const burst = async () => {
    let largest = 0;
    for (let turn = 0; turn < 400; turn++) {
      for (let i = 0; i < 5000; i++) { keep.push({ i, s: "x" + i }); if (keep.length > 3000) keep = []; }
      largest = Math.max(largest, size());
      await new Promise((resolve) => setImmediate(resolve));
    }
    return largest;
  };
  const shrink = async () => {
    keep = [];
    let smallest = size();
    for (let i = 0; i < 30; i++) {
      gc({ type: "minor" });
      await sleep(100);
      smallest = Math.min(smallest, size());
    }
    return smallest;
  };`;

/** The new space's size in MB at the start and the largest it got while allocating young garbage. */
function newSpace(setup: string | undefined): { start: number; largest: number } {
  const script = `
    const flags = await import(${FLAGS});
    ${NEW_SPACE}
    const start = size();
    ${setup ?? ""}
    const largest = Math.max(start, await burst());
    process.stdout.write(JSON.stringify({ start, largest }));`;
  return JSON.parse(inProcess(script)) as { start: number; largest: number };
}

test("the new space grows up to the cap and no further", () => {
  const free = newSpace(undefined);
  assert.ok(free.largest >= 16, `without a bound V8 grows the new space (${free.start} → ${free.largest} MB), else this test shows nothing`);
  const bounded = newSpace("flags.boundYoungGeneration(8);");
  assert.ok(bounded.largest <= 8, `bounded at 8 MB, the new space got to ${bounded.largest} MB`);
  assert.ok(bounded.largest >= Math.min(8, free.largest), `below the cap it may still grow (${bounded.start} → ${bounded.largest} MB)`);
});

test("the new space grows back to the cap after V8 has shrunk it", () => {
  // Bounded at 8 MB: a burst takes it to the cap, where GCs are no longer watched; then, with little
  // allocated, V8 shrinks it (scavenges asked for while idle); then another burst.
  const script = `
    const flags = await import(${FLAGS});
    ${NEW_SPACE}
    flags.boundYoungGeneration(8);
    const first = await burst();
    const smallest = await shrink();
    const second = await burst();
    process.stdout.write(JSON.stringify({ first, smallest, second }));`;
  const sizes = JSON.parse(inProcess(script, ["--expose-gc"])) as { first: number; smallest: number; second: number };
  assert.equal(sizes.first, 8, `the first burst took the new space to ${sizes.first} MB`);
  assert.ok(sizes.smallest < 8, `V8 did not shrink the new space (${sizes.smallest} MB), else this test shows nothing`);
  assert.equal(sizes.second, 8, `after V8 shrank it to ${sizes.smallest} MB, the next burst took it to ${sizes.second} MB`);
});

/**
 * The new space's size in MB after it has been shrunk (scavenges asked for while idle), then after `setup`
 * and a second idle, and the largest it got while allocating as a sidecar at 1,000 rps does: about 16 KB
 * a millisecond (1,500 turns of the event loop, about 1.5 s), almost none of it surviving.
 */
function steadyLoad(setup: string): { shrunk: number; idle: number; largest: number } {
  const script = `
    const flags = await import(${FLAGS});
    ${NEW_SPACE}
    await burst();
    await shrink();
    const shrunk = size();
    ${setup}
    await sleep(1500);
    const idle = size();
    let largest = idle;
    const recent = [];
    // A count of turns, not a time: on a busy machine the turns are fewer a second, not fewer.
    for (let turn = 0; turn < 1500 && largest < 8; turn++, await sleep(1)) {
      const batch = [];
      for (let i = 0; i < 200; i++) batch.push({ i, s: "x" + i });
      recent.push(batch);
      if (recent.length > 2) recent.shift();
      largest = Math.max(largest, size());
    }
    process.stdout.write(JSON.stringify({ shrunk, idle, largest }));`;
  return JSON.parse(inProcess(script, ["--expose-gc"])) as { shrunk: number; idle: number; largest: number };
}

test("under steady load the new space goes to the cap at once, where V8 alone keeps it small; idle, it is left alone", () => {
  const v8s = steadyLoad("");
  assert.ok(v8s.shrunk < 8 && v8s.largest < 8, `V8 alone took the new space from ${v8s.shrunk} to ${v8s.largest} MB under steady load, else this test shows nothing`);
  const bounded = steadyLoad("flags.boundYoungGeneration(8);");
  assert.ok(bounded.idle < 8, `idle, the bound took the new space to ${bounded.idle} MB`);
  assert.equal(bounded.largest, 8, `under steady load the bound took the new space from ${bounded.idle} to ${bounded.largest} MB`);
});

test("typemesh proxy --tune memory bounds the new space and --tune throughput leaves it to V8", () => {
  const memory = newSpace(`flags.setSidecarV8Flags({ oldGenerationBudgetMb: 0, tune: "memory" });`);
  assert.ok(memory.largest <= NEW_SPACE_CAP_MB, `--tune memory: the new space got to ${memory.largest} MB, past its ${NEW_SPACE_CAP_MB} MB bound`);
  const throughput = newSpace(`flags.setSidecarV8Flags({ oldGenerationBudgetMb: 0, tune: "throughput" });`);
  assert.ok(throughput.largest >= 16, `--tune throughput: the new space stayed at ${throughput.largest} MB`);
});

/**
 * For scripts on the old generation: `v8`; `old()`, its objects in MB (every space but the new one); and
 * `turn(n)`, n short-lived objects made and a turn of the event loop yielded, as a server allocates.
 */
const OLD_GENERATION = `
  const v8 = await import("node:v8");
  const old = () => v8.getHeapSpaceStatistics().filter((s) => !s.space_name.startsWith("new_")).reduce((sum, s) => sum + s.space_used_size, 0) / 2 ** 20;
  const turn = (n) => { for (let j = 0; j < n; j++) void { j, t: "y" + j }; return new Promise((resolve) => setImmediate(resolve)); };`;

/**
 * The old generation's largest growth above where it started (MB) while a server-like
 * loop promotes garbage into it: data held across many scavenges (a slow request's), then dropped, again
 * and again.
 */
function oldGrowth(bound: { budgetMb: number } | "tuned" | undefined, { cycles = 12, held = 40000 } = {}): number {
  const setup = bound === undefined ? "" : bound === "tuned"
    ? `(await import(${FLAGS})).tuneOldGeneration();`
    : `(await import(${FLAGS})).boundOldGeneration(${bound.budgetMb});`;
  const script = `
    ${OLD_GENERATION}
    ${setup}
    const start = old();
    let largest = start;
    for (let cycle = 0; cycle < ${cycles}; cycle++) {
      let held = Array.from({ length: ${held} }, (_, i) => ({ i, s: "held" + i + cycle }));
      for (let t = 0; t < 60; t++) { await turn(5000); largest = Math.max(largest, old()); }
      held = null;
    }
    process.stdout.write(String(largest - start));`;
  return Number(inProcess(script));
}

test("the old generation grows at most its budget (plus what is alive) past the last full GC", () => {
  const free = oldGrowth(undefined);
  // Each cycle holds about 3 MB; V8 alone lets the dropped ones pile up.
  assert.ok(free >= 12, `without a bound the old generation grows by ${free.toFixed(1)} MB, else this test shows nothing`);
  const bounded = oldGrowth({ budgetMb: 4 });
  assert.ok(bounded <= 4 + 6, `bounded at 4 MB, the old generation grew by ${bounded.toFixed(1)} MB`);
  assert.ok(bounded < free - 4, `bounded ${bounded.toFixed(1)} MB against ${free.toFixed(1)} MB free`);
});

test("V8 tuned at run time to collect early keeps the old generation near what is alive", () => {
  // Twice the data held per cycle (about 6 MB) and twice the cycles: V8 alone then lets 60-70 MB pile up.
  const shape = { cycles: 24, held: 80000 };
  const free = oldGrowth(undefined, shape);
  assert.ok(free >= 40, `untuned the old generation grows by ${free.toFixed(1)} MB, else this test shows nothing`);
  // Each next full GC at 20% above what the last left, at least V8's smallest step (8 MB), plus what is
  // held, plus what piles up while the concurrent marking runs: with CI's tests beside it on two cores
  // that took it to 24.1 MB once (18 MB alone), so the slack is 16 MB, still far below untuned.
  const tuned = oldGrowth("tuned", shape);
  assert.ok(tuned <= 8 + 6 + 16, `tuned, the old generation grew by ${tuned.toFixed(1)} MB`);
  // Untuned, V8's own heuristics let 46-70 MB pile up from run to run; tuned stays at least 10 MB below.
  assert.ok(tuned <= free - 10, `tuned ${tuned.toFixed(1)} MB against ${free.toFixed(1)} MB untuned`);
});

/**
 * Full GCs and the old generation's largest growth (MB) while a sidecar-shaped process (about 10 MB alive,
 * the new space bounded at 4 MB) keeps promoting what it holds in flight: each turn of the event loop
 * adds a batch that lives 200 turns, as requests in flight do under load. The old generation is tuned by
 * tuneOldGeneration either way; `markingStartPercent` 0 leaves the start of marking to V8.
 */
function marking(markingStartPercent?: number): { majors: number; growth: number } {
  const script = `
    ${OLD_GENERATION}
    const { PerformanceObserver, constants } = await import("node:perf_hooks");
    const flags = await import(${FLAGS});
    flags.boundYoungGeneration(4);
    flags.tuneOldGeneration(undefined, ${markingStartPercent ?? "undefined"});
    let majors = 0;
    new PerformanceObserver((list) => { for (const e of list.getEntries()) if (e.detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) majors++; }).observe({ entryTypes: ["gc"] });
    const alive = Array.from({ length: 120000 }, (_, i) => ({ i, s: "alive" + i }));
    for (let t = 0; t < 50; t++) await turn(5000);
    const start = old();
    let largest = start;
    majors = 0;
    const inFlight = [];
    for (let t = 0; t < 3000; t++) {
      inFlight.push(Array.from({ length: 300 }, (_, i) => ({ i, s: "request" + i + t })));
      if (inFlight.length > 200) inFlight.shift();
      await turn(1000);
      largest = Math.max(largest, old());
    }
    process.stdout.write(JSON.stringify({ majors, growth: largest - start, alive: alive.length }));`;
  return JSON.parse(inProcess(script)) as { majors: number; growth: number };
}

test("V8 starts marking the old generation a quarter of the way to its limit: more full GCs, a lower top", () => {
  // Measured: 8 full GCs and 18-20 MB of growth with V8's own start, 17-19 and 13-15 MB with this one.
  const v8s = marking(0);
  assert.ok(v8s.majors >= 2, `V8's own start made ${v8s.majors} full GCs, else this test shows nothing`);
  const early = marking();
  assert.ok(early.majors >= v8s.majors * 1.5, `started early: ${early.majors} full GCs against ${v8s.majors}`);
  assert.ok(early.growth < v8s.growth, `started early the old generation grew by ${early.growth.toFixed(1)} MB, against ${v8s.growth.toFixed(1)} MB`);
});

/** The tier a wasm function runs on once called, as V8 reports it: "turbofan", "liftoff" or "none". */
const TIER = `const tierOf = (f) => { const [liftoff, turbofan] = new Function("f", "return [%IsLiftoffFunction(f), %IsTurboFanFunction(f)]")(f); return turbofan ? "turbofan" : liftoff ? "liftoff" : "none"; };`;

/**
 * After `setup`, the tier of undici's parser as undici compiles it (lib/dispatcher/client-h1.js: the
 * same bytes, a new WebAssembly.Module) once it has parsed a response, and of another module's function
 * compiled after it.
 */
function tiers(setup: string): { parser: string; other: string } {
  const script = `
    const { createRequire } = await import("node:module");
    const flags = await import(${FLAGS});
    ${TIER}
    ${setup}
    const require = createRequire(${JSON.stringify(import.meta.url)});
    const compiled = new WebAssembly.Module(require("undici/lib/llhttp/llhttp_simd-wasm.js"));
    const parser = new WebAssembly.Instance(compiled, { env: new Proxy({}, { get: () => () => 0 }) }).exports;
    const response = Buffer.from("HTTP/1.1 204 No Content\\r\\n\\r\\n", "latin1");
    const at = parser.malloc(response.length);
    new Uint8Array(parser.memory.buffer, at, response.length).set(response);
    const status = parser.llhttp_execute(parser.llhttp_alloc(require("undici/lib/llhttp/constants.js").TYPE.RESPONSE), at, response.length);
    if (status !== 0) throw new Error("the parser answered " + status);
    // (module (func (export "f") (result i32) i32.const 42))
    const bytes = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 127, 3, 2, 1, 0, 7, 5, 1, 1, 102, 0, 0, 10, 6, 1, 4, 0, 65, 42, 11]);
    const other = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports.f;
    if (other() !== 42) throw new Error("the other module answered wrong");
    process.stdout.write(JSON.stringify({ parser: tierOf(parser.llhttp_execute), other: tierOf(other) }));`;
  return JSON.parse(inProcess(script, ["--allow-natives-syntax"])) as { parser: string; other: string };
}

test("--tune memory compiles undici's parser at start with TurboFan, undici's own compile gets that code, and what compiles after stays on Liftoff", () => {
  assert.equal(tiers("").parser, "liftoff", "V8 first runs the parser on Liftoff's code, else this test shows nothing");
  const memory = tiers(`flags.setSidecarV8Flags({ oldGenerationBudgetMb: 0, tune: "memory" });`);
  assert.equal(memory.parser, "turbofan");
  assert.equal(memory.other, "liftoff", "a module compiled after runs on Liftoff's code, not on a TurboFan compile at its busiest");
  assert.equal(tiers(`flags.setSidecarV8Flags({ oldGenerationBudgetMb: 0, tune: "throughput" });`).parser, "liftoff", "--tune throughput leaves the parser to V8");
});

/**
 * Scavenges, and the scavenger tasks that ran them (V8's --trace-parallel-scavenge prints a line per task),
 * in a process that allocates with some of it surviving each scavenge, after `setup`, counted from then.
 */
function scavengerTasks(setup: string): { scavenges: number; tasks: number } {
  const script = `
    const flags = await import(${FLAGS});
    ${setup}
    process.stdout.write("set up\\n");
    let keep = [];
    for (let turn = 0; turn < 200; turn++) {
      for (let i = 0; i < 5000; i++) { keep.push({ i, s: "x" + i }); if (keep.length > 20000) keep = []; }
      await new Promise((resolve) => setImmediate(resolve));
    }`;
  const output = inProcess(script, ["--trace-gc", "--trace-parallel-scavenge"]);
  const trace = output.slice(output.indexOf("set up\n")); // loading the modules scavenged too, before setup
  return { scavenges: trace.match(/: Scavenge /g)?.length ?? 0, tasks: trace.match(/ scavenge\[0x[0-9a-f]+\]: /g)?.length ?? 0 };
}

test("a sidecar scavenges on its main thread alone, with either tuning", () => {
  const v8s = scavengerTasks("");
  assert.ok(v8s.tasks > v8s.scavenges, `left to V8, ${v8s.scavenges} scavenges ran as ${v8s.tasks} tasks: no helpers, so this test shows nothing`);
  for (const tune of ["memory", "throughput"]) {
    const sidecar = scavengerTasks(`flags.setSidecarV8Flags({ oldGenerationBudgetMb: 0, tune: "${tune}" });`);
    assert.ok(sidecar.scavenges >= 10, `--tune ${tune}: only ${sidecar.scavenges} scavenges`);
    assert.equal(sidecar.tasks, sidecar.scavenges, `--tune ${tune}: one task per scavenge`);
  }
});
