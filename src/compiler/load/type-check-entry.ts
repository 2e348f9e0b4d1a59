// The type checker's thread: started from type-check-thread.js (the sources, through tsx) or prebuilt
// as dist/type-check-thread.mjs. type-check-worker.ts starts it; type-check-service.ts answers.
import { workerData } from "node:worker_threads";
import { serveTypeChecks } from "./type-check-service.ts";

serveTypeChecks(workerData.root, workerData.options);
