import assert from "node:assert/strict";
import { test } from "node:test";
import { LATENCY_BUCKETS_MS, bucketOf, type TrafficSeries } from "../protocol/traffic.ts";
import { TrafficStore } from "./traffic-store.ts";

function series(code: number, count: number, latencyMs: number, version = "v1"): TrafficSeries {
  const buckets = new Array<number>(LATENCY_BUCKETS_MS.length + 1).fill(0);
  buckets[bucketOf(latencyMs)] = count;
  return { reporter: "source", source: "shop/frontend", destination: "shop/checkout", version, code, count, sumMs: count * latencyMs, buckets };
}

test("rates, success rate and latency come from the difference of two samples in the window", () => {
  let now = 100_000;
  const store = new TrafficStore(() => now);
  store.ingest("p1", { type: "stats", at: 0, series: [series(200, 1000, 20)] });
  now += 10_000;
  store.ingest("p1", { type: "stats", at: 0, series: [series(200, 1900, 20), series(503, 100, 20)] });
  const [edge] = store.edges(10_000);
  assert.equal(edge?.requests, 1000);
  assert.equal(edge?.rps, 100);
  assert.equal(edge?.successRate, 0.9);
  assert.ok(edge!.p50Ms! > 10 && edge!.p50Ms! <= 25, `p50 ${edge?.p50Ms}`);
  assert.ok(edge!.p50Ms! <= edge!.p95Ms! && edge!.p95Ms! <= edge!.p99Ms!, `p95 ${edge?.p95Ms} between p50 and p99`);
});

test("a proxy that restarted (counters went down) counts from zero, not negative", () => {
  let now = 0;
  const store = new TrafficStore(() => now);
  store.ingest("p1", { type: "stats", at: 0, series: [series(200, 5000, 5)] });
  now += 5000;
  store.ingest("p1", { type: "stats", at: 0, series: [series(200, 50, 5)] });
  assert.equal(store.edges(5000)[0]?.requests, 50);
});

test("versions are separate edges, and a proxy with one sample reports nothing yet", () => {
  let now = 0;
  const store = new TrafficStore(() => now);
  store.ingest("p1", { type: "stats", at: 0, series: [] });
  now += 2000;
  store.ingest("p1", { type: "stats", at: 0, series: [series(200, 90, 5, "v1"), series(200, 10, 5, "v2")] });
  store.ingest("p2", { type: "stats", at: 0, series: [series(200, 999, 5)] });
  const edges = store.edges(30_000);
  assert.deepEqual(edges.map((e) => [e.version, e.requests]), [["v1", 90], ["v2", 10]]);
});
