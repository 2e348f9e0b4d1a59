// Evaluates the policy bundle in a sandbox: a V8 context with no require, process, timers or fetch,
// inside a worker thread with its own memory limit and an empty environment (sandbox-worker.js).
// Nothing of the host is placed in the context and only strings come out, so policy code has no path
// back to the compiler's objects; a rejected promise, a memory bomb or a stuck builtin can at worst
// end the worker, never the compiler's process.
import { Worker } from "node:worker_threads";
import type { Diagnostic, SourceLocation } from "../diagnostics/diagnostic.ts";
import { BUNDLE_NAME, RESULT_GLOBAL, type PolicyBundle } from "./bundle.ts";
import { describeFailure, locateRunaway, readDeclarations, type Failure, type HotPosition, type RawDeclaration } from "./evaluation-result.ts";
import type { SourceMapper } from "./source-map.ts";

export type { RawDeclaration } from "./evaluation-result.ts";

export const DEFAULT_EVAL_TIMEOUT_MS = 2000;
/** Old-generation heap of the sandbox's worker; policy bundles use a few MB. */
export const EVAL_MEMORY_LIMIT_MB = 256;

export type EvaluationOutcome =
  | { declarations: RawDeclaration[]; diagnostics: [] }
  | { declarations?: undefined; diagnostics: Diagnostic[] };

/** What sandbox-worker.js posts back: strings and numbers only. */
interface WorkerReport {
  timedOut: boolean;
  hot: HotPosition[];
  failure?: string;
  rejection?: string;
  declarations?: string;
}

const workerUrl = new URL("./sandbox-worker.js", import.meta.url);

function runaway(timeoutMs: number, location?: SourceLocation): Diagnostic {
  return {
    code: "TM0005", severity: "error", ...(location && { location }),
    message: `evaluating the policies took longer than ${timeoutMs} ms (an endless loop?)`,
    hint: "policy modules must compute their values directly, without loops that wait",
  };
}

function outOfMemory(): Diagnostic {
  return {
    code: "TM0004", severity: "error",
    message: `evaluating the policies used more than ${EVAL_MEMORY_LIMIT_MB} MB of memory`,
    hint: "policy modules declare small values; look for a loop that keeps allocating",
  };
}

function parseFailure(json: string): Failure {
  try {
    const parsed: unknown = JSON.parse(json);
    if (parsed && typeof parsed === "object") return parsed as Failure;
  } catch { /* a forged JSON.stringify in the sandbox; fall through */ }
  return { name: "Error", message: "an unprintable value was thrown" };
}

function interpret(report: WorkerReport, bundle: PolicyBundle, mapper: SourceMapper, timeoutMs: number): EvaluationOutcome {
  if (report.timedOut) return { diagnostics: [runaway(timeoutMs, locateRunaway(report.hot, bundle.code, mapper))] };
  if (report.failure !== undefined) return { diagnostics: [describeFailure(parseFailure(report.failure), mapper)] };
  if (report.rejection !== undefined) {
    return { diagnostics: [describeFailure(parseFailure(report.rejection), mapper, "rejected a promise that nothing handled")] };
  }
  return readDeclarations(report.declarations);
}

export function evaluateBundle(
  bundle: PolicyBundle,
  mapper: SourceMapper,
  timeoutMs = DEFAULT_EVAL_TIMEOUT_MS,
): Promise<EvaluationOutcome> {
  return new Promise((resolve) => {
    const worker = new Worker(workerUrl, {
      workerData: { code: bundle.code, filename: BUNDLE_NAME, timeoutMs, resultGlobal: RESULT_GLOBAL },
      env: {},
      execArgv: [],
      stdout: true,
      stderr: true,
      resourceLimits: { maxOldGenerationSizeMb: EVAL_MEMORY_LIMIT_MB, maxYoungGenerationSizeMb: 32, stackSizeMb: 4 },
    });
    let settled = false;
    const finish = (outcome: EvaluationOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(watchdog);
      void worker.terminate();
      resolve(outcome);
    };
    // vm's time limit cannot interrupt a single long builtin call ("x".repeat(2 ** 29), a huge sort);
    // the worker can always be terminated from here.
    const watchdog = setTimeout(() => finish({ diagnostics: [runaway(timeoutMs)] }), 2 * timeoutMs + 1000);
    worker.on("message", (report: WorkerReport) => finish(interpret(report, bundle, mapper, timeoutMs)));
    worker.on("error", (error: Error & { code?: string }) => {
      if (error.code === "ERR_WORKER_OUT_OF_MEMORY") return finish({ diagnostics: [outOfMemory()] });
      finish({ diagnostics: [{ code: "TM0004", severity: "error", message: `policy evaluation failed: ${error.message}`, hint: "please report this as a typemesh bug" }] });
    });
    worker.on("exit", () => finish({ diagnostics: [{ code: "TM0004", severity: "error", message: "policy evaluation ended without a result" }] }));
  });
}
