// Compiles one policies directory in a worker thread, letting plan compile base and head at the same
// time on two cores. Answers with the diagnostics and the MeshIR, both plain data. Started from
// compile-worker.js (the sources, through tsx) or prebuilt as dist/compile-worker.mjs.
import { parentPort, workerData } from "node:worker_threads";
import { compilePolicies } from "../compiler/compile.ts";

try {
  const result = await compilePolicies(workerData.dir, workerData.load);
  parentPort!.postMessage({ diagnostics: result.diagnostics, ir: result.ir });
} catch (error) {
  parentPort!.postMessage({ failure: String((error as Error)?.stack ?? error) });
}
