import assert from "node:assert/strict";
import { test } from "node:test";
import { formatDuration, isValidPercent, parseDuration } from "./units.ts";

test("durations parse to whole milliseconds", () => {
  assert.equal(parseDuration("250ms"), 250);
  assert.equal(parseDuration("2s"), 2000);
  assert.equal(parseDuration("1.5s"), 1500);
  assert.equal(parseDuration("1m"), 60_000);
  assert.equal(parseDuration("1h"), 3_600_000);
});

test("malformed durations are refused, not guessed", () => {
  for (const bad of ["", "2", "-1s", "1.5ms", "2 s", "1d", "s", "1e3ms", 5, undefined]) {
    assert.equal(parseDuration(bad), undefined, String(bad));
  }
});

test("durations format back to their shortest form", () => {
  assert.deepEqual([250, 1500, 2000, 60_000, 3_600_000, 0].map(formatDuration), ["250ms", "1.5s", "2s", "1m", "1h", "0ms"]);
});

test("percentages are 0–100 with up to three decimals", () => {
  assert.ok(isValidPercent(0) && isValidPercent(100) && isValidPercent(12.345));
  assert.ok(!isValidPercent(-1) && !isValidPercent(100.5) && !isValidPercent(1.2345) && !isValidPercent("5"));
});
