// Keeps one of Node.js's process.nextTick objects alive for the life of the process, so that the hidden
// classes ("maps") V8 made for that object's shape stay alive too.
//
// Why: nextTick builds each tick object as a literal with computed symbol keys. For such a key V8's
// feedback knows two states: one map, or any map (megamorphic: every later definition goes through
// V8's runtime). The maps along the shape's transition path are held weakly, and a tick object lives
// only until its tick runs. So when a full GC comes at a moment no tick is pending (the proxy's
// start-up collection, V8's memory reducer once the load pauses), the maps die, the optimized nextTick
// is thrown away ("weak objects"), the next tick object gets fresh maps, and the feedback, seeing a map
// other than the one it held, goes megamorphic for good. From then on every nextTick (streams call it
// several times per request) defined its properties in the runtime: 5–7 µs of a proxy's 140–150 µs
// per request, in about half of the proxies started (bench/RESULTS.md, Proxy, "The V8 slow path").
// One tick object kept keeps its map, and through the maps' back pointers the whole path.
//
// The object is taken with executionAsyncResource() from inside a tick, which costs nothing after:
// an async hook's init would see it too, but enabling any hook installs promise hooks, which turns off
// V8's inlining of promise operations for the rest of the process.
import { executionAsyncResource } from "node:async_hooks";

let kept: object | undefined;

/** The tick object kept; undefined until keepTickObjectShape has resolved. */
export function keptTickObject(): object | undefined {
  return kept;
}

/** Keeps the tick object its own tick runs in; resolves once kept. Call it before any full GC. */
export function keepTickObjectShape(): Promise<void> {
  return new Promise((resolve) => {
    process.nextTick(() => {
      kept ??= executionAsyncResource();
      resolve();
    });
  });
}
