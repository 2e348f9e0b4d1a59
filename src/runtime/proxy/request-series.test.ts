import assert from "node:assert/strict";
import { test } from "node:test";
import { Registry } from "prom-client";
import { RequestSeries, type RequestLabels } from "./request-series.ts";

const labels = (changes: Partial<RequestLabels> = {}): RequestLabels => ({
  reporter: "source", source_workload: "shop/web", source_version: "v1", destination_service: "shop/cart",
  destination_version: "v1", response_code: "200", response_flags: "-", connection_security_policy: "mutual_tls", ...changes,
});

test("requests are rendered as Istio's counter and a cumulative duration histogram", async () => {
  const series = new RequestSeries();
  const registry = new Registry();
  series.register(registry);
  const ok = labels();
  series.record(ok, 0.3);
  ok.response_code = "503"; // the caller reuses its label object: the first series must keep its own
  ok.response_flags = "upstream-reset";
  series.record(ok, 7);
  series.record(labels(), 40);
  const text = await registry.metrics();
  const line = (start: string) => text.split("\n").find((l) => l.startsWith(start));
  const okLabels = 'reporter="source",source_workload="shop/web",source_version="v1",destination_service="shop/cart",destination_version="v1",response_code="200",response_flags="-",connection_security_policy="mutual_tls"';
  assert.match(text, /# TYPE typemesh_requests_total counter/);
  assert.match(text, /# TYPE typemesh_request_duration_seconds histogram/);
  assert.equal(line(`typemesh_requests_total{${okLabels}}`), `typemesh_requests_total{${okLabels}} 2`);
  assert.match(line("typemesh_requests_total{")!, /response_code="200"/);
  assert.match(text, /typemesh_requests_total\{[^}]*response_code="503",response_flags="upstream-reset"[^}]*\} 1/);
  assert.equal(line(`typemesh_request_duration_seconds_bucket{${okLabels},le="0.0005"}`), `typemesh_request_duration_seconds_bucket{${okLabels},le="0.0005"} 1`);
  assert.equal(line(`typemesh_request_duration_seconds_bucket{${okLabels},le="0.025"}`)?.split(" ")[1], "1");
  assert.equal(line(`typemesh_request_duration_seconds_bucket{${okLabels},le="0.05"}`)?.split(" ")[1], "2");
  assert.equal(line(`typemesh_request_duration_seconds_bucket{${okLabels},le="+Inf"}`)?.split(" ")[1], "2");
  assert.ok(Math.abs(Number(line(`typemesh_request_duration_seconds_sum{${okLabels}}`)?.split(" ")[1]) - 0.0403) < 1e-9);
  assert.equal(line(`typemesh_request_duration_seconds_count{${okLabels}}`)?.split(" ")[1], "2");
});

test("label values are escaped as the exposition format requires", async () => {
  const series = new RequestSeries();
  const registry = new Registry();
  series.register(registry);
  series.record(labels({ destination_version: 'v"2\\\nx' }), 1);
  assert.match(await registry.metrics(), /destination_version="v\\"2\\\\\\nx"/);
});

test("the control plane's traffic figures sum the series of one edge", () => {
  const series = new RequestSeries();
  series.record(labels(), 0.3);
  series.record(labels({ source_version: "v2" }), 3); // another series, the same edge
  series.record(labels({ connection_security_policy: "none" }), 3000);
  series.record(labels({ response_code: "500" }), 20);
  const traffic = series.traffic().sort((a, b) => a.code - b.code);
  assert.equal(traffic.length, 2);
  assert.deepEqual({ ...traffic[0], buckets: undefined }, {
    reporter: "source", source: "shop/web", destination: "shop/cart", version: "v1", code: 200, count: 3, sumMs: 3003.3, buckets: undefined,
  });
  assert.deepEqual(traffic[0]!.buckets, [1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0]);
  assert.equal(traffic[1]!.count, 1);
  series.record(labels(), 1);
  assert.equal(traffic[0]!.count, 3, "a snapshot is a copy");
});

test("each request is counted in its own series whether its labels were seen just before or long ago", async () => {
  const series = new RequestSeries();
  const registry = new Registry();
  series.register(registry);
  // More label sets than the recent list holds, in turn, and one label object changed in place between
  // requests (as a listener's is): every set must keep its own count.
  const codes = ["200", "201", "404", "500", "503", "504"];
  const reused = labels();
  for (let round = 0; round < 5; round++) {
    for (const [i, code] of codes.entries()) {
      reused.response_code = code;
      for (let n = 0; n <= i; n++) series.record(reused, 1);
    }
  }
  const text = await registry.metrics();
  for (const [i, code] of codes.entries()) {
    assert.match(text, new RegExp(`typemesh_requests_total\\{[^}]*response_code="${code}"[^}]*\\} ${5 * (i + 1)}\\n`), code);
  }
  assert.equal(text.match(/^typemesh_requests_total\{/gm)?.length, codes.length);
});
