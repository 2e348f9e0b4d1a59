// The hazard tick-object-shape.ts guards against, and the guard: each in a process of its own, with V8's
// natives syntax to read an object's hidden class (map).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { test } from "node:test";

interface Outcome { before: string; after: string; sameMap?: boolean; keptIsTick: boolean }

/**
 * nextTick optimized by use, one tick object taken, full GCs with no tick pending, then a fresh tick
 * object: the map addresses of both (from %DebugPrint), and with the keeper whether V8 sees one map.
 */
function tickMaps(keep: boolean): Outcome {
  const script = `
    const { executionAsyncResource } = await import("node:async_hooks");
    const shape = await import(${JSON.stringify(new URL("./tick-object-shape.ts", import.meta.url).href)});
    const tickObject = () => new Promise((resolve) => process.nextTick(() => resolve(executionAsyncResource())));
    const mapOf = new Function("o", "%DebugPrint(o)");
    const sameMap = new Function("a", "b", "return %HaveSameMap(a, b)");
    for (let i = 0; i < 20000; i++) await new Promise((resolve) => process.nextTick(resolve));
    let taken;
    if (${keep}) { await shape.keepTickObjectShape(); taken = shape.keptTickObject(); } else taken = await tickObject();
    const keptIsTick = typeof taken.callback === "function" && "args" in taken && Object.getOwnPropertySymbols(taken).length === 2;
    mapOf(taken);
    if (!${keep}) taken = undefined;
    for (let i = 0; i < 10; i++) { gc(); await new Promise((resolve) => setTimeout(resolve, 5)); }
    const fresh = await tickObject();
    mapOf(fresh);
    process.stdout.write("\\n" + JSON.stringify({ keptIsTick, sameMap: ${keep} ? sameMap(taken, fresh) : undefined }) + "\\n");`;
  const out = execFileSync(process.execPath, ["--allow-natives-syntax", "--expose-gc", "--import", "tsx", "--input-type=module", "-e", script], { encoding: "utf8" });
  const maps = [...out.matchAll(/^ - map: (0x[0-9a-f]+)/gm)].map((match) => match[1]!);
  assert.equal(maps.length, 2, `two objects printed:\n${out}`);
  const result = JSON.parse(out.trim().split("\n").at(-1)!) as { keptIsTick: boolean; sameMap?: boolean };
  return { before: maps[0]!, after: maps[1]!, ...result };
}

test("without a tick object alive, full GCs drop the tick objects' map and the next one gets a new map", () => {
  const { before, after, keptIsTick } = tickMaps(false);
  assert.ok(keptIsTick, "the object taken is a tick object (callback, args, two async-id symbols)");
  assert.notEqual(after, before, "V8 kept the map without help: the keeper may no longer be needed");
});

test("keepTickObjectShape keeps a tick object, and the map of tick objects made after full GCs is its map", () => {
  const { before, after, sameMap, keptIsTick } = tickMaps(true);
  assert.ok(keptIsTick, "the object kept is a tick object (callback, args, two async-id symbols)");
  assert.equal(sameMap, true, `the fresh tick object's map (${after}) is the kept one's (${before})`);
});
