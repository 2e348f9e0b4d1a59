// Evaluates the policy bundle in a V8 context of its own: no require, no process, no timers, no fetch,
// and a hard time limit that also covers promise jobs. Nothing of the host is placed in the context,
// and only a JSON string comes out, so policy code has no path back to the host's objects.
import vm from "node:vm";
import type { Diagnostic } from "../diagnostics/diagnostic.ts";
import { BUNDLE_NAME, RESULT_GLOBAL, type PolicyBundle } from "./bundle.ts";
import { policyFrame, type SourceMapper } from "./source-map.ts";

export const DEFAULT_EVAL_TIMEOUT_MS = 2000;

export interface RawDeclaration {
  kind: "service" | "mesh";
  stack: string;
  spec: unknown;
}

export type EvaluationOutcome =
  | { declarations: RawDeclaration[]; diagnostics: [] }
  | { declarations?: undefined; diagnostics: Diagnostic[] };

// Host capabilities a policy might reach for; naming them gives a clearer error than a bare ReferenceError.
const CAPABILITIES = new Set([
  "process", "require", "module", "fetch", "setTimeout", "setInterval", "setImmediate", "queueMicrotask",
  "XMLHttpRequest", "WebSocket", "Buffer", "global", "__dirname", "__filename", "Deno", "Bun",
]);

const FAILURE_GLOBAL = "__typemeshFailure";

// The catch runs inside the context, under the time limit: a policy's error may carry getters or a
// custom Error.prepareStackTrace, and the host must never run those itself.
function guarded(code: string): string {
  return `try{${code}\n}catch(e){globalThis.${FAILURE_GLOBAL}=(()=>{try{return JSON.stringify(` +
    `{name:String(e&&e.name),message:String(e&&e.message),stack:String(e&&e.stack)})}catch{` +
    `return '{"name":"Error","message":"an unprintable value was thrown"}'}})()}`;
}

interface Failure {
  message?: string;
  stack?: string;
  code?: string;
  name?: string;
}

function describeFailure(e: Failure, mapper: SourceMapper, timeoutMs: number): Diagnostic {
  const location = e.stack ? policyFrame(e.stack, mapper) : undefined;
  const at = location ? { location } : {};
  if (e.code === "ERR_SCRIPT_EXECUTION_TIMEOUT") {
    return {
      code: "TM0005", severity: "error", ...at,
      message: `evaluating the policies took longer than ${timeoutMs} ms (an endless loop?)`,
      hint: "policy modules must compute their values directly, without loops that wait",
    };
  }
  const missing = /^(\w+) is not defined$/.exec(e.message ?? "")?.[1];
  if (e.name === "ReferenceError" && missing && CAPABILITIES.has(missing)) {
    return {
      code: "TM0006", severity: "error", ...at,
      message: `'${missing}' is not available to policy modules`,
      hint: "policies are evaluated in a sandbox without files, network, environment, processes or timers",
    };
  }
  return {
    code: "TM0004", severity: "error", ...at,
    message: `policy module threw: ${e.name ?? "Error"}: ${e.message ?? "(no message)"}`,
  };
}

export function evaluateBundle(
  bundle: PolicyBundle,
  mapper: SourceMapper,
  timeoutMs = DEFAULT_EVAL_TIMEOUT_MS,
): EvaluationOutcome {
  const context = vm.createContext(Object.create(null), {
    name: "typemesh policy sandbox",
    codeGeneration: { strings: false, wasm: false },
    microtaskMode: "afterEvaluate",
  });
  try {
    new vm.Script(guarded(bundle.code), { filename: BUNDLE_NAME }).runInContext(context, { timeout: timeoutMs });
  } catch (error) {
    // Only the host's own timeout error can arrive here; policy errors are caught inside.
    const code = (error as { code?: unknown }).code;
    return { diagnostics: [describeFailure({ code: typeof code === "string" ? code : "" }, mapper, timeoutMs)] };
  }
  const failure: unknown = vm.runInContext(`globalThis.${FAILURE_GLOBAL}`, context, { timeout: timeoutMs });
  if (typeof failure === "string") {
    return { diagnostics: [describeFailure(JSON.parse(failure) as Failure, mapper, timeoutMs)] };
  }
  const raw: unknown = vm.runInContext(`globalThis.${RESULT_GLOBAL}`, context, { timeout: timeoutMs });
  if (typeof raw !== "string") {
    return { diagnostics: [{ code: "TM0004", severity: "error", message: "policy bundle produced no declarations" }] };
  }
  return { declarations: JSON.parse(raw) as RawDeclaration[], diagnostics: [] };
}
