// The host's side of the module sandbox (module-sandbox-process.js): one long-lived child process per
// compile session, holding every policy module compiled on its own. Requests are answered in order;
// a process that fails or ends is not reused (the session starts another when it next needs one).
import { fork, type ChildProcess } from "node:child_process";
import { packagePath } from "../../package-root.ts";
import { EVAL_MEMORY_LIMIT_MB } from "./evaluate.ts";

export interface CompiledModule {
  /** The module's path relative to the policies directory: its name in the sandbox and in stacks. */
  id: string;
  /** Identifies the code: a module is compiled again only when its hash changes. */
  hash: string;
  /** esbuild's CommonJS transform of the module. */
  code: string;
  /** Each import's specifier → the id of the module it resolves to (kept with the module). */
  imports: Record<string, string>;
}

export interface EvaluationInput {
  /** Loaded in order, as the bundle's entry imports them. */
  entries: string[];
  /** Modules whose declarations are described (JSON); of the others only the count comes back. */
  describe: string[];
  /** Of those, the modules whose declarations' stacks are needed (where the calls are is not known). */
  stacks: string[];
}

/** What the driver in the context returned; untrusted until read by module-evaluation.ts. */
export type ModuleReport = { ok: true; result: string } | { ok: false; reason: string };

export interface ModuleSandbox {
  /** Loads the authoring API's runtime (once per process). */
  runtime(code: string, globalName: string): Promise<void>;
  /** Compiles new or changed modules and forgets removed ones. */
  modules(changed: readonly CompiledModule[], removed?: readonly string[]): Promise<void>;
  evaluate(input: EvaluationInput, timeoutMs: number): Promise<ModuleReport>;
  /** Whether the process is still usable (it is not after a failure or an end). */
  readonly alive: boolean;
  dispose(): void;
}

const script = packagePath("src/compiler/load/module-sandbox-process.js");

export function startModuleSandbox(): ModuleSandbox {
  const child: ChildProcess = fork(script, [], {
    env: {},
    execArgv: [`--max-old-space-size=${EVAL_MEMORY_LIMIT_MB}`, "--max-semi-space-size=16", "--disallow-code-generation-from-strings"],
    stdio: ["ignore", "ignore", "ignore", "ipc"],
    serialization: "json",
  });
  // An idle session's sandbox never keeps a process alive; it is referenced while a request waits.
  child.unref();
  (child as unknown as { channel?: { unref(): void } }).channel?.unref();
  let alive = true;
  let nextId = 1;
  const pending = new Map<number, (reply: Record<string, unknown>) => void>();
  const end = (reason: string) => {
    alive = false;
    for (const answer of pending.values()) answer({ ok: false, reason });
    pending.clear();
  };
  let markReady = () => {};
  const ready = new Promise<void>((resolve) => { markReady = resolve; });
  child.on("message", (message: Record<string, unknown>) => {
    if (message.ready === true) return markReady();
    const answer = pending.get(Number(message.id));
    if (!answer) return;
    pending.delete(Number(message.id));
    if (pending.size === 0) (child as unknown as { channel?: { unref(): void } }).channel?.unref();
    answer(message);
  });
  child.on("error", (error) => end(`the module sandbox failed: ${error.message}`));
  child.on("exit", (code, signal) => { end(`the module sandbox ended (${signal ?? `exit code ${code}`})`); markReady(); });

  const ask = async (request: Record<string, unknown>): Promise<Record<string, unknown>> => {
    await ready;
    if (!alive) return { ok: false, reason: "the module sandbox has ended" };
    const id = nextId++;
    (child as unknown as { channel?: { ref(): void } }).channel?.ref();
    return new Promise((resolve) => {
      pending.set(id, resolve);
      child.send({ ...request, id });
    });
  };
  const expectOk = async (request: Record<string, unknown>) => {
    const reply = await ask(request);
    if (reply.ok !== true) throw new Error(String(reply.reason ?? "the module sandbox refused a request"));
  };

  const dispose = () => {
    alive = false;
    child.kill("SIGKILL");
  };
  return {
    runtime: (code, globalName) => expectOk({ kind: "runtime", code, globalName }),
    modules: (changed, removed = []) => expectOk({ kind: "modules", modules: changed, removed }),
    async evaluate(input, timeoutMs) {
      let watchdog: NodeJS.Timeout | undefined;
      // vm's time limit cannot interrupt one long builtin call; the process can always be killed.
      const stuck = new Promise<ModuleReport>((resolve) => {
        watchdog = setTimeout(() => {
          child.kill("SIGKILL");
          resolve({ ok: false, reason: "the module sandbox did not answer in time" });
        }, 2 * timeoutMs + 1000);
      });
      const reply = ask({ kind: "evaluate", input: JSON.stringify(input), timeoutMs }).then((r): ModuleReport =>
        r.ok === true && typeof r.result === "string" ? { ok: true, result: r.result } : { ok: false, reason: String(r.reason ?? "failed") });
      const report = await Promise.race([reply, stuck]);
      clearTimeout(watchdog);
      if (!report.ok) dispose(); // whatever the policy did is not carried into the next evaluation
      return report;
    },
    get alive() { return alive; },
    dispose,
  };
}
