// The type checker in a thread of its own. Creating a TypeScript program and checking a file are single
// calls that cannot be cut into slices (2 s and up to 1 s for 1,000 modules); on the compiler's own
// thread they held back everything else: esbuild's answer, the sandbox's report, a control plane's
// streams. Here they run beside all of that, on the other core.
import { Worker } from "node:worker_threads";
import { workerScript } from "../../package-root.ts";
import type { Diagnostic, SourceLocation } from "../diagnostics/diagnostic.ts";
import type { CheckInput } from "./check-record.ts";
import type { DeclarationSite } from "./declaration-site.ts";
import type { TypeCheckAsk, TypeCheckReply, TypeCheckRequest } from "./type-check-service.ts";
import type { TypeCheckerOptions } from "./type-check.ts";

export interface TypeCheckWorker {
  /** Builds the program over `files`; answers with the computed import() calls, which stop a load. */
  start(files: readonly string[]): Promise<Diagnostic[]>;
  /** The type errors of the program started last. */
  diagnostics(): Promise<Diagnostic[]>;
  /** Where each declaration the sandbox saw was written (site-cache.ts keeps unchanged ones). */
  locate(calls: readonly SourceLocation[]): Promise<DeclarationSite[]>;
  /**
   * As locate, but null for a call whose site is the one answered for it before and still holds (the
   * caller keeps those by call); only a thread that keeps sites has it.
   */
  relocate?(calls: readonly SourceLocation[]): Promise<(DeclarationSite | null)[]>;
  /** A runaway evaluation's sampled position, widened to its loop (runaway-site.ts). */
  runawaySite(location: SourceLocation): Promise<SourceLocation>;
  /** Every file the program read, with the hash of its text (check-record.ts). */
  inputs(): Promise<CheckInput[]>;
  dispose(): Promise<void>;
}

const threadUrl = workerScript("type-check-thread", "src/compiler/load/type-check-thread.js");

export function createTypeCheckWorker(root: string, options: TypeCheckerOptions = {}): TypeCheckWorker {
  const worker = new Worker(threadUrl, { workerData: { root, options } });
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let nextId = 1;
  let failure: Error | undefined;
  // Held only while something is asked, so that an idle checker never keeps a process alive.
  worker.unref();
  const fail = (error: Error) => {
    failure ??= error;
    for (const { reject } of pending.values()) reject(failure);
    pending.clear();
  };
  worker.on("message", (reply: TypeCheckReply) => {
    const waiting = pending.get(reply.id);
    if (!waiting) return;
    pending.delete(reply.id);
    if (pending.size === 0) worker.unref();
    if ("error" in reply) waiting.reject(new Error(`type checker: ${reply.error}`));
    else waiting.resolve(reply.value);
  });
  worker.on("error", (error) => fail(error));
  worker.on("exit", (code) => fail(new Error(`the type checker's thread ended (exit code ${code})`)));

  const ask = <T>(request: TypeCheckAsk): Promise<T> => {
    if (failure) return Promise.reject(failure);
    const id = nextId++;
    worker.ref();
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      worker.postMessage({ ...request, id } satisfies TypeCheckRequest);
    });
  };

  return {
    start: (files) => ask({ kind: "start", files: [...files] }),
    diagnostics: () => ask({ kind: "diagnostics" }),
    locate: (calls) => ask({ kind: "locate", calls: [...calls] }),
    relocate: (calls) => ask({ kind: "relocate", calls: [...calls] }),
    runawaySite: (location) => ask({ kind: "runaway", location }),
    inputs: () => ask({ kind: "inputs" }),
    async dispose() {
      // The checked state is saved before the thread ends (type-check-state.ts).
      await ask({ kind: "save" }).catch(() => {});
      failure ??= new Error("the type checker was disposed");
      await worker.terminate();
    },
  };
}
