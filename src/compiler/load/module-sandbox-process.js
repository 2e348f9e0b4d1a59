// The module sandbox's process (plain JavaScript: it starts without the TypeScript loader, with an empty
// environment and a small heap). Unlike sandbox-process.js, which evaluates one bundle and ends, it
// lives as long as a compile session and keeps every policy module compiled, one script per module, so
// that a re-check compiles only the modules an edit changed. Each evaluation still runs every module
// from scratch in a new V8 context: nothing a policy did in one evaluation (a global, a patched
// prototype) is there in the next, exactly as with a new bundle.
//
// What crosses into a context is only code this process compiled and strings; what comes out is one
// JSON string the host parses defensively. Any failure (a throw, a rejection, the time limit) is
// answered as a failure without detail: the session then runs the one-shot pipeline, whose sandbox
// explains it (evaluate.ts).
// @ts-check
import { randomUUID } from "node:crypto";
import vm from "node:vm";

// Where the runtime and the module functions wait in a new context for the driver, which takes them
// and removes the global before any policy code runs. Unguessable, like sandbox-process.js's.
const BOX = `__typemeshModules_${randomUUID().replaceAll("-", "")}`;
const INPUT = `${BOX}_input`;
const RESOLVE = `${BOX}_resolve`;

// As in sandbox-process.js: binary buffers allocate outside the heap limit, and policies never need them.
const REMOVED_GLOBALS = [
  "ArrayBuffer", "SharedArrayBuffer", "DataView", "Atomics", "WebAssembly", "Int8Array", "Uint8Array",
  "Uint8ClampedArray", "Int16Array", "Uint16Array", "Int32Array", "Uint32Array", "Float32Array",
  "Float64Array", "BigInt64Array", "BigUint64Array",
];

const SETUP = new vm.Script(
  `${REMOVED_GLOBALS.map((name) => `delete globalThis.${name};`).join("")}` +
  `globalThis[${JSON.stringify(BOX)}] = { modules: Object.create(null) };`,
  { filename: "typemesh-module-setup.js" },
);

// Runs inside the context under the time limit: loads every entry module as CommonJS (esbuild's
// transform of each policy module), attributes each declaration to the module whose body made it, and
// describes the declarations of the modules asked for. Returns one JSON string.
const DRIVER = new vm.Script(`(() => {
  const box = globalThis[${JSON.stringify(BOX)}];
  const input = JSON.parse(globalThis[${JSON.stringify(INPUT)}]);
  const resolve = JSON.parse(globalThis[${JSON.stringify(RESOLVE)}]);
  delete globalThis[${JSON.stringify(BOX)}];
  delete globalThis[${JSON.stringify(INPUT)}];
  delete globalThis[${JSON.stringify(RESOLVE)}];
  const { runtime, modules } = box;
  const instances = Object.create(null);
  const owned = Object.create(null);
  const completed = [];
  const running = [];
  const take = (id) => {
    const made = runtime.takeDeclarations();
    if (made.length > 0) (owned[id] ??= []).push(...made);
  };
  const load = (id) => {
    const known = instances[id];
    if (known) return known.exports;
    const body = modules[id];
    if (typeof body !== "function") throw new Error("module not compiled: " + id);
    const module = { exports: {} };
    instances[id] = module;
    if (running.length > 0) take(running[running.length - 1]);
    running.push(id);
    const imports = resolve[id] ?? {};
    const require = (specifier) => {
      if (specifier === "typemesh") return runtime.typemesh;
      const target = imports[specifier];
      if (typeof target !== "string") throw new Error("import not resolved: " + specifier);
      return load(target);
    };
    body.call(module.exports, module.exports, require, module);
    take(id);
    running.pop();
    completed.push(id);
    return module.exports;
  };
  for (const id of input.entries) load(id);
  const counts = Object.create(null);
  const described = Object.create(null);
  for (const id of completed) counts[id] = (owned[id] ?? []).length;
  const stacks = new Set(input.stacks);
  for (const id of input.describe) described[id] = runtime.describeDeclarations(owned[id] ?? [], stacks.has(id));
  return JSON.stringify({ completed, counts, described });
})()`, { filename: "typemesh-module-driver.js" });

/** @type {vm.Script | undefined} */
let runtime;
/** @type {Map<string, { hash: string; script: vm.Script; imports: Record<string, string> }>} */
const modules = new Map();
/** Every module's imports as the driver reads them, made again only after the modules change. */
let resolveJson;
let rejected = false;
process.on("unhandledRejection", () => { rejected = true; });

/** The filename a module's stack frames carry: the host maps it back through the module's source map. */
const moduleFilename = (id) => `typemesh-module:${id}`;

function compileModule({ id, hash, code, imports }) {
  if (modules.get(id)?.hash === hash) return;
  // The body on lines of its own (a trailing line comment cannot swallow the closing brace); the
  // offset keeps the reported lines those of esbuild's output, which its source map describes.
  const text = `globalThis[${JSON.stringify(BOX)}].modules[${JSON.stringify(id)}] = function (exports, require, module) {\n${code}\n};`;
  modules.set(id, { hash, imports, script: new vm.Script(text, { filename: moduleFilename(id), lineOffset: -1 }) });
}

function evaluate({ input, timeoutMs }) {
  if (!runtime) return { ok: false, reason: "no runtime" };
  const context = vm.createContext(Object.create(null), {
    name: "typemesh policy sandbox",
    codeGeneration: { strings: false, wasm: false },
    microtaskMode: "afterEvaluate",
  });
  SETUP.runInContext(context);
  runtime.runInContext(context);
  for (const { script } of modules.values()) script.runInContext(context);
  resolveJson ??= JSON.stringify(Object.fromEntries([...modules].map(([id, module]) => [id, module.imports])));
  context[INPUT] = input;
  context[RESOLVE] = resolveJson;
  rejected = false;
  try {
    const result = DRIVER.runInContext(context, { timeout: timeoutMs });
    return typeof result === "string" ? { ok: true, result } : { ok: false, reason: "no result" };
  } catch {
    // A policy's error, or the time limit: never inspected here (it may be a policy's object).
    return { ok: false, reason: "evaluation failed" };
  }
}

process.on("message", (message) => {
  const { id, kind } = message;
  let reply;
  try {
    if (kind === "runtime") {
      runtime = new vm.Script(`(function () {\n${message.code}\nglobalThis[${JSON.stringify(BOX)}].runtime = ${message.globalName};\n})();`, { filename: "typemesh-runtime.js" });
      reply = { ok: true };
    } else if (kind === "modules") {
      for (const module of message.modules) compileModule(module);
      for (const gone of message.removed ?? []) modules.delete(gone);
      resolveJson = undefined;
      reply = { ok: true };
    } else if (kind === "evaluate") {
      const outcome = evaluate(message);
      // Unhandled rejections are reported once the current job finishes.
      setImmediate(() => process.send?.({ id, ...(rejected ? { ok: false, reason: "unhandled rejection" } : outcome) }));
      return;
    } else {
      reply = { ok: false, reason: `unknown request ${kind}` };
    }
  } catch (error) {
    reply = { ok: false, reason: String(error && /** @type {Error} */ (error).message) };
  }
  process.send?.({ id, ...reply });
});
// The session's process ended (or dropped the channel) without ending this one: nothing left to do.
process.on("disconnect", () => process.exit(0));
process.send?.({ ready: true });
