// V8 settings for the sidecar, made from inside its own process (issue 3: ≤ 80 MB RSS per proxy; a flag
// on node's command line would need a wrapper or a second process, which costs more than it saves).
// `typemesh proxy` makes them first thing, prebuilt or from the sources; a Proxy made in another process
// (the tests) leaves that process's V8 as it is. Figures: bench/proxy-memory/rss.ts, 2-core machine.
import { createRequire } from "node:module";
import { constants, PerformanceObserver, type PerformanceEntry } from "node:perf_hooks";
import { getHeapSpaceStatistics, setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

/**
 * The young generation's bound, as V8 reports the new space's size (MB). V8 grows the new space under
 * load, doubling, up to 32 MB, and RSS keeps what it took; a smaller new space is scavenged more often.
 * Measured at saturation (~4,000 req/s), the caller's proxy after 6 s: 32 MB (V8's default) RSS 114–115
 * MB, scavenges 1.8% of the time; 8 MB 93–97 MB, 3.5% (about 6 µs more per request); 2 MB 82–94 MB,
 * 7.3% (about 20 µs more per request, a tenth of the proxy's CPU).
 * 4 MB since 2026-12-07. It was 8 MB while the single-proxy throughput target was missed: 4 MB cost 5%
 * more CPU per request then (2026-11-28). Measured again on 2026-12-07 (bench/RESULTS.md, Proxy), with
 * throughput at 0.66–0.74× HAProxy against the 0.6× target and RSS the target missed: 3–11% more CPU
 * per request (cpu-per-request.ts --baseline, 5 rounds on each path), the three-route caller's peak
 * 78.9 and 80.4 MB in bench/proxy against 82.7–83.8 MB, and the pair's p99 at 1,000 rps unchanged (two
 * meshes side by side, ten rounds: a median 1.03 against 0.95 ms added, each lower in five rounds).
 */
export const NEW_SPACE_CAP_MB = 4;

function newSpace(): { space_size: number; space_used_size: number; space_available_size: number } | undefined {
  return getHeapSpaceStatistics().find((space) => space.space_name === "new_space");
}

function newSpaceMb(): number {
  return (newSpace()?.space_size ?? 0) / 2 ** 20;
}

/**
 * One semispace's capacity (MB), a power of two: what V8's growth multiplies. The new space's size counts
 * both semispaces once both are committed and one before, so it cannot tell; used + available is the
 * capacity less its pages' headers. NaN without a new space: growNewSpace then does nothing.
 */
function semiSpaceMb(): number {
  const space = newSpace();
  return space ? 2 ** Math.round(Math.log2((space.space_used_size + space.space_available_size) / 2 ** 20)) : NaN;
}

/**
 * Takes the new space to `capMb` now, in one growth. V8 grows it only once as many bytes have survived
 * scavenges since its last growth as it holds, and a proxy's scavenges copy only its requests in flight
 * (13 KB at 1,000 rps): at a steady 1,000 rps it stays at 1–2 MB and is scavenged 5–13 times a second,
 * each time holding up the requests in flight. So the growth factor is set to reach the cap in one step,
 * a semispace's worth of short-lived arrays is held across a scavenge (they survive it, which is what
 * V8 grows on), and let go: a few ms, once each time the proxy turns busy.
 * Measured on the 2-core machine (2026-12-07), the plaintext sidecar pair at 1,000 rps after 12 s idle:
 * 68-85 scavenges per proxy in 13 s against 110-169 left to V8; two pairs side by side, this build and
 * the last, ten alternating rounds: the pair added a median 0.97 ms at p99 against 1.09 ms, lower in
 * eight rounds of ten. That was with the 8 MB bound. At 4 MB (since late morning on 2026-12-07) V8
 * reached the same size by itself in the same measurement: the caller scavenged 138-140 times in 13 s
 * with --tune throughput (no bound) against 141-148 with this growth, about 1.7 MB allocated between
 * scavenges in both. So at this bound the growth changes nothing measurable at a steady 1,000 rps. It
 * still pays when a proxy goes from idle to saturated: without it, in cpu-per-request.ts's slices (8 s
 * busy, 16 s idle, in turn), the proxy took 43 against 40 µs of CPU per request (more in four rounds of
 * five) and peaked at 75.7 against 73.5 MB (bench/RESULTS.md, Proxy).
 */
function growNewSpace(capMb: number, gc: GcFunction): void {
  const semiSpace = semiSpaceMb();
  const factor = Math.round(capMb / 2 / semiSpace); // the cap counts both semispaces
  if (!(factor >= 2)) return;
  setFlagsFromString(`--semi-space-growth-factor=${factor}`);
  const held: number[][] = [];
  for (let bytes = 0; bytes <= semiSpace * 1.1 * 2 ** 20; bytes += 2 ** 16) held.push(new Array<number>(8190).fill(0)); // 64 KB each
  gc({ type: "minor" });
  held.length = 0;
  setFlagsFromString("--semi-space-growth-factor=2"); // until the caller's check: 1 if it is at the cap now
}

/** The least time between two growths to the cap (ms): a proxy at a rate V8 shrinks at is grown that often at most. */
const GROWTH_INTERVAL_MS = 10_000;

/**
 * Keeps the new space at or under `capMb`, and takes it to the cap as soon as the proxy is busy.
 * --max-semi-space-size would bound it, but V8 reads it only when it sets up the heap, before any
 * JavaScript runs: set later it changes nothing (the new space still grows to 32 MB). The growth factor
 * is read at each growth, so it is switched after each GC: 1 (no growth) once the new space has reached
 * the cap, V8's 2 while it is below it (V8 shrinks it when allocation is slow; it may grow again). A GC
 * is told of after it ends, so a burst of GCs in one synchronous stretch of JavaScript could still
 * double it once or twice past the cap; a proxy yields to its event loop far more often than it
 * scavenges.
 * Below the cap, two scavenges less than a second apart mean the proxy is carrying traffic, and the new
 * space is grown to the cap at once (growNewSpace): --min-semi-space-size would keep it there, but it
 * too is read only at heap setup. An idle proxy's new space is left to shrink (V8 does, after some
 * seconds idle).
 * GCs are watched only while the new space is below the cap. At the cap it cannot grow, and a saturated
 * proxy scavenges about a hundred times a second: Node's GC entries for an observer cost 1% of its CPU
 * (a CPU profile, 2026-12-06). A check each second sees V8 shrink it, and watching resumes. Returns how
 * to stop.
 */
export function boundYoungGeneration(capMb = NEW_SPACE_CAP_MB): () => void {
  let growing: boolean | undefined; // GCs are watched exactly while it may grow
  let lastScavenge = -Infinity;
  let grownAt = -Infinity; // at most one growth in GROWTH_INTERVAL_MS: its own scavenge is seen here too
  const gc = gcFunction();
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if (gcKind(entry) !== constants.NODE_PERFORMANCE_GC_MINOR) continue;
      const busy = entry.startTime - lastScavenge < 1000;
      lastScavenge = entry.startTime;
      if (busy && gc && entry.startTime - grownAt > GROWTH_INTERVAL_MS && newSpaceMb() < capMb) {
        grownAt = performance.now();
        growNewSpace(capMb, gc);
        break;
      }
    }
    check();
  });
  function check(): void {
    const grow = newSpaceMb() < capMb;
    if (grow === growing) return;
    setFlagsFromString(`--semi-space-growth-factor=${grow ? 2 : 1}`);
    if (grow) observer.observe({ entryTypes: ["gc"] });
    else observer.disconnect();
    growing = grow;
  }
  const poll = setInterval(check, 1000).unref();
  check();
  return () => {
    clearInterval(poll);
    observer.disconnect();
    if (growing === false) setFlagsFromString("--semi-space-growth-factor=2");
  };
}

/**
 * V8 collects the old generation itself, early: with `--heap-growing-percent` it sets each next full GC
 * at this much above what the last one left (at least its smallest step, 8 MB), where its own factor is
 * 1.1–4 by its measured GC speed, tens of MB on a small heap that is collected fast. V8 reads the flag
 * each time it sets that limit, after a full GC, so one is asked for once at start. Marking is then V8's
 * own, incremental and concurrent. Measured against boundOldGeneration's forced full GCs (2026-11-28,
 * interleaved, bench/proxy/cpu-per-request.ts and bench/proxy-memory/rss.ts): about 15% less CPU per
 * request at saturation, lower in 13 of 14 rounds, and peaks after 48 s of saturation within the
 * machine's noise of theirs.
 */
export const OLD_GROWTH_PERCENT = 20;

/**
 * How far from the last full GC's size to that limit (percent) the old generation grows before V8 starts
 * marking it (`--incremental-marking-soft-trigger`, read each time V8 checks, so it holds when set at
 * run time). Left to itself V8 starts as the old generation nears the limit, and what a saturated proxy
 * promotes while the marking runs goes on top: the three-route caller's old space stood at 17.3 MB of
 * pages for 10–17 MB of objects. A sidecar's limit is at least 8 MB above what is alive (V8's smallest
 * step, above), so starting a quarter of the way takes the top of that sawtooth down by several MB, for
 * about twice as many full GCs, each marking what is alive (about 11 MB) concurrently.
 * Measured on the 2-core machine (2026-12-07, bench/RESULTS.md, Proxy):
 * bench/proxy-memory/caller-routes.ts, five times each in turn, peaked a median 3 MB lower (72.0–73.7
 * MB against 73.5–77.8 MB; its 30 s of saturation took 10–12 full GCs against 4–5, their pauses 48–67
 * against 20–29 ms in all). It costs CPU where a proxy promotes most: with every resilience layer on,
 * 77 against 73 µs a request (cpu-per-request.ts --baseline, higher in five rounds of five), on the
 * plain route nothing measurable (52 against 52 µs). The 4 MB new space made the same trade. In whole
 * bench/proxy runs that CPU left the throughput targets met on a quiet machine (one proxy 0.61–0.70×
 * HAProxy, mTLS 0.83–0.89× of plaintext), not in congested hours (0.59×; 0.78×). Starting
 * at half the way kept none of the memory (two runs). 0 leaves the start to V8, its default.
 */
export const OLD_MARKING_START_PERCENT = 25;

export function tuneOldGeneration(percent = OLD_GROWTH_PERCENT, markingStartPercent = OLD_MARKING_START_PERCENT): void {
  setFlagsFromString(`--heap-growing-percent=${percent}`);
  setFlagsFromString(`--incremental-marking-soft-trigger=${markingStartPercent}`);
  void gcFunction()?.({ type: "major", execution: "async" });
}

/**
 * How far the old generation may grow past what the last full GC left (MB) before one is asked for, when
 * `typemesh proxy --old-generation-budget` asks for this bound (off by default: tuneOldGeneration costs
 * less CPU for about the same memory).
 * Under saturation a proxy promotes 2–3 MB a second into the old generation (requests in flight when
 * the new space is scavenged twice), and V8 waits for tens of MB before it collects the old generation
 * of a small heap: its RSS rose by about 3 MB for every 8 s of saturation, 80 → 93 MB over 48 s, with
 * no full GC after the first 13 s. With this bound (and MALLOC_ARENA_MAX=2, docs/cli.md) it stayed at
 * 78–79 MB over 48 s, against 84–87 MB without it (bench/RESULTS.md, Proxy). --max-old-space-size would
 * bound it too, but it is read only at start-up, and it is a hard limit: a proxy whose view outgrew it
 * would die.
 */
export const OLD_GROWTH_BUDGET_MB = 4;

/** `typemesh proxy --old-generation-budget`'s default: no forced full GCs (tuneOldGeneration instead). */
export const DEFAULT_OLD_GENERATION_BUDGET_MB = 0;

/** Old-generation spaces, in use (MB): everything but the new space. */
function oldGenerationMb(): number {
  return getHeapSpaceStatistics().filter((space) => !space.space_name.startsWith("new_")).reduce((sum, space) => sum + space.space_used_size, 0) / 2 ** 20;
}

/** V8's gc(): a full GC as a task of its own (a promise), or a scavenge now. */
type GcFunction = (options: { type: "major"; execution: "async" } | { type: "minor" }) => Promise<void> | undefined;

/** The kind of GC a "gc" performance entry tells of (constants.NODE_PERFORMANCE_GC_MINOR, _MAJOR, …). */
function gcKind(entry: PerformanceEntry): number | undefined {
  return (entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind;
}

/** The gc() exposed once asked for, shared: null if this V8 would not hand it out. */
let exposedGc: GcFunction | null | undefined;

/**
 * V8's gc() as a function, without --expose-gc on the command line: the flag set at run time applies to
 * contexts made afterwards, and a new context hands its gc global out. The context lives as long as its
 * gc (about 130 KB of heap), so one is made for the process, whoever asks. Undefined if this V8 does not
 * (the proxy then runs with V8's own heuristics rather than not at all).
 */
function gcFunction(): GcFunction | undefined {
  if (exposedGc === undefined) {
    try {
      setFlagsFromString("--expose-gc");
      const gc: unknown = runInNewContext("typeof gc === 'function' ? gc : undefined");
      exposedGc = typeof gc === "function" ? (gc as GcFunction) : null;
    } catch {
      exposedGc = null;
    }
  }
  return exposedGc ?? undefined;
}

/**
 * Keeps the old generation within `budgetMb` of what the last full GC left, by asking V8 for a full GC
 * once it has grown past that. Growth is checked after each GC (a scavenge comes every few MB
 * allocated), so the check costs nothing while nothing is allocated. The GC asked for runs as a task of
 * its own on the event loop (`execution: "async"`), not inside the allocation that crossed the budget;
 * it is one atomic mark-compact, not V8's incremental marking, which only V8's own heuristics start:
 * 6–10 ms for a saturated proxy's heap (11 MB alive), two in 12 s at 8.7k req/s. Yet it costs about 9%
 * of the proxy's CPU at saturation (cpu-per-request.ts against the same build without it; exposing
 * gc() alone costs nothing), more than the GCs' own time: what they discard has to be rebuilt.
 * It is `typemesh proxy --old-generation-budget MB`, off by default. Returns how to stop.
 */
export function boundOldGeneration(budgetMb = OLD_GROWTH_BUDGET_MB): () => void {
  const gc = gcFunction();
  if (!gc) return () => {};
  let baseline = oldGenerationMb();
  let collecting = false;
  const observer = new PerformanceObserver((list) => {
    const old = oldGenerationMb();
    if (list.getEntries().some((entry) => gcKind(entry) === constants.NODE_PERFORMANCE_GC_MAJOR)) {
      baseline = old; // whoever asked for it, a full GC sets the new mark
      return;
    }
    if (collecting || old <= baseline + budgetMb) return;
    collecting = true;
    const done = () => { collecting = false; };
    // A promise in this V8; Promise.resolve in case a later one answers otherwise.
    Promise.resolve().then(() => gc({ type: "major", execution: "async" })).then(done, done);
  });
  observer.observe({ entryTypes: ["gc"] });
  return () => observer.disconnect();
}

/**
 * A sidecar scavenges its young generation on its own thread. V8 spreads each scavenge over helper
 * threads, one per MB of new space up to the cores it has, and the main thread waits for every helper
 * that has begun; a sidecar shares its cores with the app beside it, and a helper taken off its core
 * mid-scavenge holds up every request that proxy is carrying. What a proxy's scavenge copies is its
 * requests in flight, too little for helpers to save anything: a median 13 KB at 1,000 rps and 130-150
 * KB at saturation (the caller, --trace-parallel-scavenge). Measured on the 2-core machine, the
 * caller's outbound listener at 1,000 rps, two callers side by side in six alternating rounds of 10 s
 * (bench/RESULTS.md, Proxy, "Runs on 2026-12-06"): the slowest scavenge of a round 0.57-0.98 ms against
 * 0.93-3.95 ms with helpers, the 90th percentile 0.33-0.38 against 0.36-0.47 ms. V8 reads the flag at
 * each scavenge, so setting it at run time works (a test holds it). CPU per request at saturation is
 * the same either way (bench/proxy/cpu-per-request.ts --baseline).
 */
function scavengeOnMainThread(): void {
  setFlagsFromString("--no-parallel-scavenge");
}

/**
 * `typemesh proxy --tune`. "memory" (the default) keeps a sidecar within issue 3's 80 MB: the young
 * generation bounded, undici's parser compiled at start with TurboFan's memory-light settings (below).
 * "throughput" leaves both to V8: less CPU per request at saturation for more memory at peak
 * (bench/RESULTS.md, Proxy, "What the memory bound costs"), for a proxy that carries heavy traffic on a
 * host with memory to spare. Both collect the old generation early.
 */
export const TUNINGS = ["memory", "throughput"] as const;
export type Tuning = (typeof TUNINGS)[number];

/**
 * V8 tuned to collect the old generation early and to scavenge on the main thread; with "memory", its
 * young generation bounded and undici's HTTP parser compiled now, memory-light (below); an
 * `oldGenerationBudgetMb` above 0 also forces a full GC past that growth (`typemesh proxy
 * --old-generation-budget`). Together, as "memory" sets them, these cost latency as well as CPU: a
 * pair of bare Node.js proxies given them added a median 0.47 ms more at p99 at 1,000 rps, sixteen
 * paired rounds on the 2-core machine (bench/RESULTS.md, Proxy, "Runs on 2026-12-07, the last of the
 * day"), about what typemesh's pair sits above that floor. Which of them costs it is not measured.
 */
export function setSidecarV8Flags({ oldGenerationBudgetMb, tune = "memory" }: { oldGenerationBudgetMb: number; tune?: Tuning }): void {
  if (tune === "memory") precompileHttpParser();
  tuneOldGeneration();
  scavengeOnMainThread();
  if (oldGenerationBudgetMb > 0) boundOldGeneration(oldGenerationBudgetMb);
  if (tune === "memory") boundYoungGeneration();
}

/** V8 flags for compiling undici's parser, each with the value to put back (V8's default) after. */
const PARSER_COMPILE_FLAGS: ReadonlyArray<[during: string, after: string]> = [
  ["--no-liftoff", "--liftoff"], // TurboFan, as each function is first called
  ["--turbo-force-mid-tier-regalloc", "--no-turbo-force-mid-tier-regalloc"],
  ["--no-wasm-loop-unrolling", "--wasm-loop-unrolling"],
  ["--no-wasm-loop-peeling", "--wasm-loop-peeling"],
];

/** A response like an app's, for the parser's first run: status line, headers, a body by length. */
const SAMPLE_RESPONSE = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 11\r\nconnection: keep-alive\r\n\r\n{\"ok\":true}";

interface LlhttpExports {
  memory: WebAssembly.Memory;
  malloc(size: number): number;
  llhttp_alloc(type: number): number;
  llhttp_execute(parser: number, data: number, length: number): number;
}

/** Held for the life of the process: V8's native module cache hands out its code only while it is alive. */
let compiledParser: WebAssembly.Module | undefined;

/**
 * undici parses responses with llhttp compiled to WebAssembly. Left to V8, it is compiled by Liftoff
 * (V8's baseline compiler) at the first connection, and again by TurboFan in the background once busy;
 * that TurboFan compile takes 30–40 MB of RSS for a few hundred milliseconds, and it was every proxy's
 * peak under load (VmHWM 110–112 MB; the bare Node.js proxy with undici has it too).
 *
 * So the parser is compiled here, at start, while the process is small: by TurboFan with the settings
 * that need the least memory (the mid-tier register allocator, no loop unrolling or peeling), and only
 * the functions one response's parse calls, by running one. Measured on this machine (undici's
 * llhttp_simd, a 200-byte response parsed in a loop): 1.0–1.2 µs per response, against 0.8–0.9 µs with
 * V8's TurboFan settings and 1.6–2.0 µs with Liftoff's code, which the proxy ran before
 * (--liftoff-only); 12 MB for the compile's moment, against 40 MB; and after it, the same memory as
 * Liftoff's code (compiling every function instead kept 3–7 MB more).
 * V8 hands a module compiled from the same bytes the code it has compiled (its native module cache,
 * while this module is alive), so undici's own module, at its first connection, runs this code.
 * --liftoff-only then keeps anything else off TurboFan's default compile: functions no response here
 * called, or other bytes, if undici's were not these.
 */
export function precompileHttpParser(): void {
  const require = createRequire(import.meta.url);
  // Which of its two builds undici loads (lib/dispatcher/client-h1.js): SIMD unless told otherwise.
  const build = process.env.UNDICI_NO_WASM_SIMD === "1" ? "llhttp-wasm.js" : "llhttp_simd-wasm.js";
  for (const [during] of PARSER_COMPILE_FLAGS) setFlagsFromString(during);
  try {
    const compiled = new WebAssembly.Module(require(`undici/lib/llhttp/${build}`) as Uint8Array<ArrayBuffer>);
    // Its callbacks into JavaScript answer 0, "go on", as undici's do for a response it reads whole.
    const env = new Proxy({}, { get: () => () => 0 });
    const parser = new WebAssembly.Instance(compiled, { env }).exports as unknown as LlhttpExports;
    const response = Buffer.from(SAMPLE_RESPONSE, "latin1");
    const at = parser.malloc(response.length);
    new Uint8Array(parser.memory.buffer, at, response.length).set(response);
    const { TYPE } = require("undici/lib/llhttp/constants.js") as { TYPE: { RESPONSE: number } };
    parser.llhttp_execute(parser.llhttp_alloc(TYPE.RESPONSE), at, response.length);
    compiledParser = compiled;
  } catch {
    // Nothing held: undici compiles its parser itself, with Liftoff (--liftoff-only, below).
  } finally {
    for (const [, after] of PARSER_COMPILE_FLAGS) setFlagsFromString(after);
    setFlagsFromString("--liftoff-only");
  }
}
