// Runs in a child process of its own (plain JavaScript: it starts without the TypeScript loader, with
// an empty environment and a small heap). Evaluates the policy bundle in a V8 context with no host
// capabilities, under a time limit that also covers promise jobs, and sends back one message of plain
// strings and numbers. The process, not the compiler's, absorbs what the vm module cannot bound:
// memory (V8 aborts a whole process whose heap is exhausted; a worker thread's resourceLimits do not
// catch every allocation), unhandled rejections and work queued for later (FinalizationRegistry
// callbacks), which all end with this process.
// @ts-check
import { randomUUID } from "node:crypto";
import inspector from "node:inspector";
import { types } from "node:util";
import vm from "node:vm";

/** @typedef {{ code: string; filename: string; timeoutMs: number; resultGlobal: string }} SandboxInput */

// Where an unhandled rejection's reason is handed to the context to be described. Unguessable, so that
// no policy can have put a setter there that would run out here, without the time limit.
const REJECTION_GLOBAL = `__typemeshRejection_${randomUUID().replaceAll("-", "")}`;

// Binary buffers allocate outside the JavaScript heap, past the heap limit; policies never need them.
const REMOVED_GLOBALS = [
  "ArrayBuffer", "SharedArrayBuffer", "DataView", "Atomics", "WebAssembly", "Int8Array", "Uint8Array",
  "Uint8ClampedArray", "Int16Array", "Uint16Array", "Int32Array", "Uint32Array", "Float32Array",
  "Float64Array", "BigInt64Array", "BigUint64Array",
];

const UNPRINTABLE = '{"name":"Error","message":"an unprintable value was thrown"}';

// Turns a thrown value into JSON inside the context, under the time limit: a policy's error may carry
// getters or a custom Error.prepareStackTrace, and code outside the context must never run those.
const describeThrown = (value) =>
  `(()=>{try{const t=${value};return JSON.stringify({name:String(t&&t.name),message:String(t&&t.message),` +
  `stack:String(t&&t.stack)})}catch{return '${UNPRINTABLE}'}})()`;

const rejections = [];
process.on("unhandledRejection", (reason) => rejections.push(reason));

/** Starts V8's sampling profiler, so that a runaway evaluation can be traced to the line that spun. */
function startProfiler() {
  try {
    const session = new inspector.Session();
    session.connect();
    session.post("Profiler.enable");
    session.post("Profiler.setSamplingInterval", { interval: 500 });
    session.post("Profiler.start");
    return session;
  } catch {
    return undefined; // a Node built without the inspector: the diagnostic then has no line
  }
}

function stopProfiler(session) {
  let profile;
  session?.post("Profiler.stop", (error, result) => { if (!error) profile = result.profile; });
  session?.disconnect();
  return profile;
}

/** Bundle positions where the sampled time went, most samples first (1-based; column 0: whole line). */
function hotPositions(profile, filename) {
  const nodes = (profile?.nodes ?? []).filter((n) => n.callFrame.url === filename && n.hitCount > 0);
  nodes.sort((a, b) => b.hitCount - a.hitCount);
  return nodes.flatMap((node) => [
    ...[...(node.positionTicks ?? [])].sort((a, b) => b.ticks - a.ticks).map((t) => ({ line: t.line, column: 0 })),
    { line: node.callFrame.lineNumber + 1, column: node.callFrame.columnNumber + 1 },
  ]).slice(0, 20);
}

/** Evaluates an expression in the context, under the time limit; only a string result counts. */
function readString(context, expression, timeoutMs) {
  try {
    const value = vm.runInContext(expression, context, { timeout: timeoutMs });
    return typeof value === "string" ? value : undefined;
  } catch {
    return undefined;
  }
}

/** @param {SandboxInput} input */
function evaluate({ code, filename, timeoutMs, resultGlobal }) {
  const context = vm.createContext(Object.create(null), {
    name: "typemesh policy sandbox",
    codeGeneration: { strings: false, wasm: false },
    microtaskMode: "afterEvaluate",
  });
  vm.runInContext(REMOVED_GLOBALS.map((name) => `delete globalThis.${name};`).join(""), context);

  // The script's completion value is the description of what it threw, or undefined (the bundle is
  // one IIFE call): no global to read back that a policy could have redefined with a getter.
  const guarded = `try{${code}\n;void 0}catch(e){${describeThrown("e")}}`;
  const profiler = startProfiler();
  let completion;
  let timedOut = false;
  try {
    completion = new vm.Script(guarded, { filename }).runInContext(context, { timeout: timeoutMs });
  } catch (error) {
    // Policy errors are caught inside the context; what arrives here is the time limit, or in odd
    // cases (the stack exhausted while describing an error) a value that must not be inspected here.
    // Node creates its timeout error inside the context, so `instanceof Error` is false; reading an own
    // data property of a native error runs no policy code (a Proxy would, through its traps).
    timedOut = types.isNativeError(error) &&
      Object.getOwnPropertyDescriptor(error, "code")?.value === "ERR_SCRIPT_EXECUTION_TIMEOUT";
    if (!timedOut) completion = UNPRINTABLE;
  }
  const profile = stopProfiler(profiler);
  const hot = timedOut ? hotPositions(profile, filename) : [];
  const failure = typeof completion === "string" ? completion : undefined;
  const declarations = timedOut || failure ? undefined : readString(context, `globalThis.${resultGlobal}`, timeoutMs);

  // Unhandled rejections are reported once the current job finishes; wait for that before answering.
  setImmediate(() => {
    let rejection;
    if (!timedOut && rejections.length > 0) {
      context[REJECTION_GLOBAL] = rejections[0];
      rejection = readString(context, describeThrown(`globalThis.${REJECTION_GLOBAL}`), timeoutMs) ?? UNPRINTABLE;
    }
    process.send?.({ timedOut, hot, failure, rejection, declarations }, () => process.exit(0));
  });
}

process.once("message", (input) => evaluate(/** @type {SandboxInput} */ (input)));
process.send?.({ ready: true });
