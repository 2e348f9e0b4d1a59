// plan's compile worker from the sources (plain JavaScript, so it starts without a loader; it
// registers tsx for the sources it imports). A prebuilt CLI starts dist/compile-worker.mjs instead.
import { register } from "tsx/esm/api";

register();
await import("./compile-entry.ts");
