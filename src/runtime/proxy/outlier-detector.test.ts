import assert from "node:assert/strict";
import { test } from "node:test";
import type { Endpoint } from "../protocol/messages.ts";
import { OutlierDetector, type OutlierPolicy } from "./outlier-detector.ts";

const endpoint = (port: number): Endpoint => ({ proxyId: `p${port}`, version: "v1", host: "127.0.0.1", port });
const group = [endpoint(1), endpoint(2), endpoint(3), endpoint(4)];
const policy: OutlierPolicy = { consecutive5xx: 3, intervalMs: 10_000, baseEjectionTimeMs: 30_000, maxEjectionPercent: 50 };

test("consecutive failures eject an endpoint for the base time; a success in between resets the count", () => {
  let now = 0;
  const detector = new OutlierDetector(() => now);
  const [a] = group;
  detector.failed("s", a!, policy, group);
  detector.failed("s", a!, policy, group);
  detector.succeeded("s", a!);
  detector.failed("s", a!, policy, group);
  assert.equal(detector.failed("s", a!, policy, group), undefined);
  assert.deepEqual(detector.failed("s", a!, policy, group), { endpoint: "127.0.0.1:1", forMs: 30_000 });
  assert.deepEqual(detector.healthy("s", group).map((e) => e.port), [2, 3, 4]);
  now += 29_999;
  assert.ok(detector.isEjected("s", a!));
  now += 1;
  assert.ok(!detector.isEjected("s", a!));
  assert.deepEqual(detector.healthy("s", group).map((e) => e.port), [1, 2, 3, 4]);
});

test("ejections grow when an endpoint keeps failing, and shrink again after healthy intervals", () => {
  let now = 0;
  const detector = new OutlierDetector(() => now);
  const a = group[0]!;
  const eject = () => {
    let ejection;
    for (let i = 0; i < 3; i++) ejection = detector.failed("s", a, policy, group);
    return ejection?.forMs;
  };
  assert.equal(eject(), 30_000);
  now += 30_000;
  assert.equal(eject(), 60_000);
  now += 60_000;
  assert.equal(eject(), 90_000);
  now += 90_000;
  detector.succeeded("s", a); // back in service …
  now += 25_000; // … for two and a half intervals: the multiplier drops by two
  assert.equal(eject(), 60_000);
});

test("never more than maxEjectionPercent of the endpoints are out, and never all of them", () => {
  const detector = new OutlierDetector(() => 0);
  const ejected = group.map((e) => [0, 1, 2].map(() => detector.failed("s", e, policy, group)).at(-1));
  assert.equal(ejected.filter(Boolean).length, 2, "50% of four endpoints");
  const lone = [endpoint(9)];
  for (let i = 0; i < 10; i++) assert.equal(detector.failed("t", lone[0]!, policy, lone), undefined, "50% of one endpoint is none");
  const all = new OutlierDetector(() => 0);
  const everything = { ...policy, maxEjectionPercent: 100 };
  for (const e of group) for (let i = 0; i < 3; i++) all.failed("s", e, everything, group);
  assert.equal(all.healthy("s", group).length, 4, "with every endpoint ejected, balance over all rather than fail every request");
});

test("endpoints no config names are forgotten", () => {
  const detector = new OutlierDetector(() => 0);
  for (let i = 0; i < 3; i++) detector.failed("s", group[0]!, policy, group);
  assert.ok(detector.isEjected("s", group[0]!));
  detector.retain({ s: group.slice(1) });
  assert.ok(!detector.isEjected("s", group[0]!));
  // Named again later (the same endpoint object), it starts from a clean count, not the forgotten one.
  detector.retain({ s: group });
  for (let i = 0; i < 2; i++) assert.equal(detector.failed("s", group[0]!, policy, group), undefined);
  assert.deepEqual(detector.failed("s", group[0]!, policy, group), { endpoint: "127.0.0.1:1", forMs: 30_000 });
});

test("a success brings an endpoint back once its ejection is over, and its time in service counts from then", () => {
  let now = 0;
  const detector = new OutlierDetector(() => now);
  const a = group[0]!;
  for (let i = 0; i < 3; i++) detector.failed("s", a, policy, group);
  assert.ok(detector.isEjected("s", a));
  now += 30_000;
  detector.succeeded("s", a); // back in service now (not at the next failure) …
  now += 25_000; // … for two and a half intervals: the multiplier drops by two before the next ejection
  detector.failed("s", a, policy, group);
  detector.failed("s", a, policy, group);
  detector.succeeded("s", a);
  assert.equal(detector.failed("s", a, policy, group), undefined, "the count started again after the success");
  detector.failed("s", a, policy, group);
  assert.deepEqual(detector.failed("s", a, policy, group), { endpoint: "127.0.0.1:1", forMs: 30_000 });
});
