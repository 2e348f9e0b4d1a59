// The type checker's thread from the sources (plain JavaScript, so it starts without a loader; it
// registers tsx for the sources it imports). A prebuilt CLI starts dist/type-check-thread.mjs instead.
import { register } from "tsx/esm/api";

register();
await import("./type-check-entry.ts");
