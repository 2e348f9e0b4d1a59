// Evaluates the policy bundle in a sandbox: a V8 context with no require, process, timers or fetch,
// inside a child process with a small heap and an empty environment (sandbox-process.js). Nothing of
// the host is placed in the context and only strings come out, so policy code has no path back to the
// compiler's objects; a rejected promise, a memory bomb or a stuck builtin can at worst end the child,
// never the compiler's process. (A worker thread is not enough: V8 aborts the whole process on some
// out-of-memory failures, resourceLimits or not.)
import { fork } from "node:child_process";
import { packagePath } from "../../package-root.ts";
import type { Diagnostic, SourceLocation } from "../diagnostics/diagnostic.ts";
import { BUNDLE_NAME, RESULT_GLOBAL, type PolicyBundle } from "./bundle.ts";
import { describeFailure, locateRunaway, readDeclarations, type Failure, type HotPosition, type RawDeclaration } from "./evaluation-result.ts";
import type { SourceMapper } from "./source-map.ts";

export type { RawDeclaration } from "./evaluation-result.ts";

export const DEFAULT_EVAL_TIMEOUT_MS = 2000;
/** Old-generation heap of the sandbox's process; policy bundles use a few MB. */
export const EVAL_MEMORY_LIMIT_MB = 256;

export type EvaluationOutcome =
  | { declarations: RawDeclaration[]; diagnostics: [] }
  | { declarations?: undefined; diagnostics: Diagnostic[] };

/** What sandbox-process.js sends back: strings and numbers only. */
interface SandboxReport {
  timedOut: boolean;
  hot: HotPosition[];
  failure?: string;
  rejection?: string;
  declarations?: string;
}

const sandboxScript = packagePath("src/compiler/load/sandbox-process.js");
// V8 says so on stderr when a heap runs out; any other end without a report is a crash of the sandbox.
const OUT_OF_MEMORY = /heap out of memory|Reached heap limit|Allocation failed/;

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

function interpret(report: SandboxReport, bundle: PolicyBundle, mapper: SourceMapper, timeoutMs: number): EvaluationOutcome {
  if (report.timedOut) return { diagnostics: [runaway(timeoutMs, locateRunaway(report.hot, bundle.code, mapper))] };
  if (report.failure !== undefined) return { diagnostics: [describeFailure(parseFailure(report.failure), mapper)] };
  if (report.rejection !== undefined) {
    return { diagnostics: [describeFailure(parseFailure(report.rejection), mapper, "rejected a promise that nothing handled")] };
  }
  return readDeclarations(report.declarations);
}

/** A sandbox process started ahead of its bundle, so that its start overlaps bundling. */
export interface Sandbox {
  /** Evaluates one bundle; a sandbox evaluates once and ends. */
  evaluate(bundle: PolicyBundle, mapper: SourceMapper, timeoutMs?: number): Promise<EvaluationOutcome>;
  /** Ends a sandbox that will not be used (bundling failed). */
  cancel(): void;
}

export function startSandbox(): Sandbox {
  const child = fork(sandboxScript, [], {
    env: {},
    execArgv: [`--max-old-space-size=${EVAL_MEMORY_LIMIT_MB}`, "--max-semi-space-size=16", "--disallow-code-generation-from-strings"],
    stdio: ["ignore", "ignore", "pipe", "ipc"],
    serialization: "json",
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => { if (stderr.length < 65_536) stderr += chunk.toString(); });
  // Three things the sandbox can do, each at most once, whether or not evaluate() was called yet.
  let markUp = () => {};
  let markReported = (_report: SandboxReport) => {};
  const up = new Promise<void>((resolve) => { markUp = resolve; });
  const reported = new Promise<SandboxReport>((resolve) => { markReported = resolve; });
  const ended = new Promise<EvaluationOutcome>((resolve) => {
    child.on("error", (error) => resolve({
      diagnostics: [{ code: "TM0004", severity: "error", message: `policy evaluation could not start: ${error.message}`, hint: "please report this as a typemesh bug" }],
    }));
    // "close", not "exit": by then stderr and the IPC channel are drained, so a report sent just before
    // the end has arrived (and won the race below), and an out-of-memory message is complete.
    child.on("close", (code, signal) => resolve(OUT_OF_MEMORY.test(stderr) ? { diagnostics: [outOfMemory()] } : {
      diagnostics: [{ code: "TM0004", severity: "error", message: `policy evaluation ended without a result (${signal ?? `exit code ${code}`})`, hint: "please report this as a typemesh bug" }],
    }));
  });
  child.on("message", (message: SandboxReport | { ready: true }) => {
    if ("ready" in message) markUp();
    else markReported(message);
  });

  return {
    async evaluate(bundle, mapper, timeoutMs = DEFAULT_EVAL_TIMEOUT_MS) {
      let watchdog: NodeJS.Timeout | undefined;
      const stuck = new Promise<EvaluationOutcome>((resolve) => {
        void up.then(() => {
          child.send({ code: bundle.code, filename: BUNDLE_NAME, timeoutMs, resultGlobal: RESULT_GLOBAL });
          // vm's time limit cannot interrupt a single long builtin call ("x".repeat(2 ** 29), a huge
          // sort); the process can always be killed from here. The clock starts once the sandbox is up,
          // so that a slow start on a busy machine is not counted against the policies.
          watchdog = setTimeout(() => resolve({ diagnostics: [runaway(timeoutMs)] }), 2 * timeoutMs + 1000);
        });
      });
      const outcome = await Promise.race([reported.then((report) => interpret(report, bundle, mapper, timeoutMs)), ended, stuck]);
      clearTimeout(watchdog);
      child.kill("SIGKILL");
      return outcome;
    },
    cancel() {
      child.kill("SIGKILL");
    },
  };
}
