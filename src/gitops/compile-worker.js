// Compiles one policies directory in a worker thread (plain JavaScript, so it starts without a
// loader), letting plan compile base and head at the same time on two cores. Answers with the
// diagnostics and the MeshIR, both plain data.
import { parentPort, workerData } from "node:worker_threads";
import { register } from "tsx/esm/api";

register();
const { compilePolicies } = await import("../compiler/compile.ts");
try {
  const result = await compilePolicies(workerData.dir, workerData.load);
  parentPort.postMessage({ diagnostics: result.diagnostics, ir: result.ir });
} catch (error) {
  parentPort.postMessage({ failure: String(error?.stack ?? error) });
}
