// Compiling one side of a plan. The base side runs in a worker thread so that it overlaps with the
// head's compile (type-checking is CPU-bound and single-threaded): plan then costs little more than
// one check on a two-core machine. If the worker cannot run, the compile happens here instead.
import { existsSync } from "node:fs";
import { Worker } from "node:worker_threads";
import { compilePolicies, type CompileResult } from "../compiler/compile.ts";
import { workerScript } from "../package-root.ts";
import type { SideReport } from "../compiler/diff/report.ts";
import type { MeshIR } from "../compiler/ir/schema.ts";
import type { LoadOptions } from "../compiler/load/load.ts";

export interface Side { report: SideReport; ir?: MeshIR; empty?: boolean }

const workerUrl = workerScript("compile-worker", "src/gitops/compile-worker.js");

function compileInWorker(dir: string, load: LoadOptions): Promise<Pick<CompileResult, "diagnostics" | "ir">> {
  return new Promise((resolve) => {
    const worker = new Worker(workerUrl, { workerData: { dir, load } });
    let settled = false;
    const fallback = () => { if (!settled) { settled = true; resolve(compilePolicies(dir, load)); } };
    worker.once("message", (m: { diagnostics: CompileResult["diagnostics"]; ir?: MeshIR; failure?: string }) => {
      if (m.failure !== undefined) return fallback();
      settled = true;
      resolve({ diagnostics: m.diagnostics, ...(m.ir && { ir: m.ir }) });
    });
    worker.once("error", fallback);
    worker.once("exit", fallback);
  });
}

export interface CompileSideOptions {
  /** A directory without policy files is an empty mesh (the change adds the first ones). */
  allowEmpty?: boolean;
  inWorker?: boolean;
  evalTimeoutMs?: number;
  /** false for a temporary directory (the base's worktree): nothing kept in the user's cache for it. */
  cache?: boolean;
}

export async function compileSide(dir: string, side: Omit<SideReport, "compiled" | "diagnostics">, options: CompileSideOptions = {}): Promise<Side> {
  const allowEmpty = options.allowEmpty ?? false;
  if (allowEmpty && !existsSync(dir)) return { report: { ...side, compiled: true, diagnostics: [] }, empty: true };
  const load: LoadOptions = {
    ...(options.evalTimeoutMs !== undefined && { evalTimeoutMs: options.evalTimeoutMs }),
    ...(options.cache === false && { cache: false }),
  };
  const result = options.inWorker ? await compileInWorker(dir, load) : await compilePolicies(dir, load);
  if (allowEmpty && !result.ir && result.diagnostics.every((d) => d.code === "TM0007")) {
    return { report: { ...side, compiled: true, diagnostics: [] }, empty: true };
  }
  return { report: { ...side, compiled: Boolean(result.ir), diagnostics: result.diagnostics }, ...(result.ir && { ir: result.ir }) };
}
