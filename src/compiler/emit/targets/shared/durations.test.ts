import assert from "node:assert/strict";
import { test } from "node:test";
import { gatewayDuration, istioDuration, linkerdDuration } from "./durations.ts";

test("istio durations are protobuf seconds", () => {
  assert.deepEqual([250, 1500, 3000, 60_000, 1].map(istioDuration), ["0.25s", "1.5s", "3s", "60s", "0.001s"]);
});

test("gateway durations follow GEP-2257: whole units, at most 5 digits each", () => {
  assert.deepEqual([0, 250, 1500, 3000, 99_999, 100_500, 90_061_001].map(gatewayDuration), ["0s", "250ms", "1500ms", "3s", "99999ms", "1m40s500ms", "25h1m1s1ms"]);
  for (const ms of [1, 999, 123_456, 86_400_000, 359_999_999]) assert.match(gatewayDuration(ms), /^([0-9]{1,5}(h|m|s|ms)){1,4}$/);
});

test("linkerd durations are one number and a unit", () => {
  assert.deepEqual([250, 1500, 2000].map(linkerdDuration), ["250ms", "1500ms", "2s"]);
});
