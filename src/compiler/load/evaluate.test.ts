// The sandbox against hand-written bundles: what a hostile or careless policy can do to the evaluation,
// and that none of it reaches the compiler's process. (test/invalid-corpus.test.ts runs the same
// escapes through the whole compiler, from policy sources.)
import assert from "node:assert/strict";
import { test } from "node:test";
import { RESULT_GLOBAL } from "./bundle.ts";
import { DEFAULT_EVAL_TIMEOUT_MS, startSandbox } from "./evaluate.ts";
import type { SourceMapper } from "./source-map.ts";

// Every bundle line is "policy.ts" line for line, so locations are easy to state.
const mapper: SourceMapper = { toPolicy: ({ line, column }) => ({ file: "policy.ts", line, column }), prepare: () => {} };
const noDeclarations = `globalThis.${RESULT_GLOBAL} = "[]";`;

// The limit is wall-clock; runaway tests use 1 s, enough CPU time for the profiler even on a busy machine.
const RUNAWAY_TIMEOUT_MS = 1000;

function evaluate(code: string, timeoutMs = DEFAULT_EVAL_TIMEOUT_MS) {
  return startSandbox().evaluate({ code, sourceMap: "{}" }, mapper, timeoutMs);
}

test("declarations come back as plain data", async () => {
  const declarations = JSON.stringify([{ kind: "mesh", stack: "", spec: { trustDomain: "shop.local", mtls: "strict" } }]);
  const outcome = await evaluate(`globalThis.${RESULT_GLOBAL} = ${JSON.stringify(declarations)};`);
  assert.deepEqual(outcome.diagnostics, []);
  assert.deepEqual(outcome.declarations?.[0]?.spec, { trustDomain: "shop.local", mtls: "strict" });
});

test("the sandbox has no process, environment or binary buffers", async () => {
  const probe = `[typeof process, typeof require, typeof fetch, typeof setTimeout, typeof ArrayBuffer, typeof WebAssembly].join()`;
  const outcome = await evaluate(`globalThis.${RESULT_GLOBAL} = JSON.stringify([{ kind: "mesh", stack: "", spec: ${probe} }]);`);
  assert.equal(outcome.declarations?.[0]?.spec, "undefined,undefined,undefined,undefined,undefined,undefined");
});

test("an unhandled rejection is a diagnostic, not a crash of the compiler", async () => {
  const seen: unknown[] = [];
  const listener = (reason: unknown) => seen.push(reason);
  process.on("unhandledRejection", listener);
  try {
    const outcome = await evaluate(`${noDeclarations}\nPromise.reject(new Error("later"));`);
    assert.equal(outcome.diagnostics[0]?.code, "TM0004");
    assert.match(outcome.diagnostics[0]?.message ?? "", /rejected a promise that nothing handled: Error: later/);
    assert.equal(outcome.diagnostics[0]?.location?.line, 2);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(seen, [], "the rejection must not reach the compiler's process");
  } finally {
    process.off("unhandledRejection", listener);
  }
});

test("a runaway evaluation is stopped and located at the line that spun", async () => {
  const outcome = await evaluate(`${noDeclarations}\nlet n = 0;\nwhile (true) { n++; }`, RUNAWAY_TIMEOUT_MS);
  assert.equal(outcome.diagnostics[0]?.code, "TM0005");
  assert.match(outcome.diagnostics[0]?.message ?? "", /longer than 1000 ms/);
  assert.equal(outcome.diagnostics[0]?.location?.line, 3);
});

test("a memory bomb ends the sandbox's process, not the compiler", async () => {
  // 80 MB a step, so that the limit comes within a few steps even on a busy machine.
  const outcome = await evaluate(`const hoard = []; for (let i = 0; ; i++) hoard.push(new Array(1e7).fill(i + 0.5));`, 30_000);
  assert.equal(outcome.diagnostics[0]?.code, "TM0004");
  assert.match(outcome.diagnostics[0]?.message ?? "", /used more than \d+ MB of memory/);
});

test("a policy that replaces JSON.stringify gets a diagnostic, not a crash", async () => {
  const forgedResult = await evaluate(`JSON.stringify = () => "[1, null]"; globalThis.${RESULT_GLOBAL} = JSON.stringify([]);`);
  assert.equal(forgedResult.diagnostics[0]?.code, "TM0004");
  assert.match(forgedResult.diagnostics[0]?.message ?? "", /no readable declarations/);

  const forgedError = await evaluate(`JSON.stringify = () => "not json"; throw new Error("x");`);
  assert.equal(forgedError.diagnostics[0]?.code, "TM0004");
});

test("a stack rewritten by Error.prepareStackTrace costs the declaration its location only", async () => {
  const declarations = `[{ kind: "mesh", stack: { forged: true }, spec: {} }]`;
  const outcome = await evaluate(`globalThis.${RESULT_GLOBAL} = JSON.stringify(${declarations});`);
  assert.deepEqual(outcome.diagnostics, []);
  assert.equal(outcome.declarations?.[0]?.stack, "");
});

test("a thrown value whose getters never return is stopped by the time limit", async () => {
  const outcome = await evaluate(`throw { get name() { for (;;) {} } };`, RUNAWAY_TIMEOUT_MS);
  assert.equal(outcome.diagnostics[0]?.code, "TM0005");
});
