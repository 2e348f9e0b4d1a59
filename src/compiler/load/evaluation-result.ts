// Turns what the sandbox reported into declarations or diagnostics. Everything here is untrusted text
// produced by policy code (JSON.stringify and Error.prepareStackTrace can be replaced in the sandbox),
// so it is parsed defensively: a forged report yields a diagnostic, never a crash of the compiler.
import type { Diagnostic, SourceLocation } from "../diagnostics/diagnostic.ts";
import { policyFrame, type SourceMapper } from "./source-map.ts";

export interface RawDeclaration {
  kind: "service" | "mesh";
  stack: string;
  spec: unknown;
}

/** A thrown value as the sandbox described it. */
export interface Failure {
  name?: unknown;
  message?: unknown;
  stack?: unknown;
}

/** A position in the bundle where the profiler saw a runaway evaluation spend its time (1-based). */
export interface HotPosition {
  line: number;
  /** 0 when only the line is known. */
  column: number;
}

// Host capabilities a policy might reach for; naming them gives a clearer error than a bare ReferenceError.
const CAPABILITIES = new Set([
  "process", "require", "module", "fetch", "setTimeout", "setInterval", "setImmediate", "queueMicrotask",
  "clearTimeout", "clearInterval", "XMLHttpRequest", "WebSocket", "Buffer", "global", "__dirname", "__filename",
  "Deno", "Bun", "ArrayBuffer", "SharedArrayBuffer", "Atomics", "WebAssembly",
]);

const SANDBOX_HINT = "policies are evaluated in a sandbox without files, network, environment, processes or timers";

export function describeFailure(e: Failure, mapper: SourceMapper, what = "threw"): Diagnostic {
  const name = typeof e.name === "string" ? e.name : "Error";
  const message = typeof e.message === "string" ? e.message : "";
  const location = typeof e.stack === "string" ? policyFrame(e.stack, mapper) : undefined;
  const at = location ? { location } : {};
  const missing = /^(\w+) is not defined$/.exec(message)?.[1];
  if (name === "ReferenceError" && missing && CAPABILITIES.has(missing)) {
    return { code: "TM0006", severity: "error", ...at, message: `'${missing}' is not available to policy modules`, hint: SANDBOX_HINT };
  }
  // eval, Function and every constructor chain that ends at Function ("x.constructor.constructor").
  if (name === "EvalError" && message.startsWith("Code generation from strings disallowed")) {
    return {
      code: "TM0006", severity: "error", ...at,
      message: "generating code from strings (eval, Function or a constructor chain) is not available to policy modules",
      hint: SANDBOX_HINT,
    };
  }
  return { code: "TM0004", severity: "error", ...at, message: `policy module ${what}: ${name}: ${message}` };
}

/** The policy line a runaway evaluation spent its time on, if the profiler saw one. */
export function locateRunaway(hot: readonly HotPosition[], code: string, mapper: SourceMapper): SourceLocation | undefined {
  const lines = code.split("\n");
  for (const { line, column } of hot) {
    // A whole line maps through its first token: a mapping before it may belong to the line above.
    const firstToken = (lines[line - 1]?.search(/\S/) ?? -1) + 1;
    const location = mapper.toPolicy({ line, column: column || Math.max(firstToken, 1) });
    if (location) return location;
  }
  return undefined;
}

function isRawDeclaration(value: unknown): value is RawDeclaration {
  if (!value || typeof value !== "object") return false;
  const d = value as Record<string, unknown>;
  return (d.kind === "service" || d.kind === "mesh") && "spec" in d;
}

/** The declarations the sandbox collected; a stack a policy rewrote only costs the declaration its location. */
export function readDeclarations(json: string | undefined): { declarations: RawDeclaration[]; diagnostics: [] } | { diagnostics: Diagnostic[] } {
  let parsed: unknown;
  try {
    parsed = json === undefined ? undefined : JSON.parse(json);
  } catch { /* reported below */ }
  if (!Array.isArray(parsed) || !parsed.every(isRawDeclaration)) {
    return { diagnostics: [{ code: "TM0004", severity: "error", message: "policy bundle produced no readable declarations (did a policy replace JSON or overwrite typemesh's globals?)" }] };
  }
  const declarations = parsed.map((d) => ({ ...d, stack: typeof d.stack === "string" ? d.stack : "" }));
  return { declarations, diagnostics: [] };
}
