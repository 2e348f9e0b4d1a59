// The type checker's thread (plain JavaScript, so it starts without a loader; it registers tsx for
// the sources it imports). type-check-worker.ts starts it; type-check-service.ts answers.
import { workerData } from "node:worker_threads";
import { register } from "tsx/esm/api";

register();
const { serveTypeChecks } = await import("./type-check-service.ts");
serveTypeChecks(workerData.root, workerData.options);
