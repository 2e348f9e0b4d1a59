import assert from "node:assert/strict";
import type { IncomingMessage } from "node:http";
import { test } from "node:test";
import { injectFault } from "./fault.ts";
import { testRoute, testService } from "./test-requests.ts";

const service = testService({
  routes: [
    testRoute({ name: "chaos", matches: [{ headers: [{ name: "x-chaos", match: { kind: "present", value: "" } }], query: [] }], fault: { delay: { fixedMs: 30, percent: 50 }, abort: { status: 503, percent: 10 } } }),
    testRoute({ name: "calm" }),
  ],
});
const request = (headers: Record<string, string>): IncomingMessage => ({ method: "GET", url: "/p", headers } as unknown as IncomingMessage);
const events = () => {
  const seen: string[] = [];
  return { seen, injected: (_s: string, route: string, fault: string) => { seen.push(`${route}:${fault}`); } };
};

test("the tagged route's fault applies: delay and abort sampled on their own percentages", async () => {
  const e = events();
  const signal = new AbortController().signal;
  // Samples: delay draws 0.4 (< 50%), abort draws 0.05 (< 10%).
  const draws = [0.4, 0.05];
  const started = performance.now();
  const verdict = await injectFault(service, request({ "x-typemesh-route": "chaos" }), signal, e, () => draws.shift()!);
  assert.deepEqual(verdict, { kind: "abort", status: 503, route: "chaos" });
  assert.ok(performance.now() - started >= 29);
  assert.deepEqual(e.seen, ["chaos:delay", "chaos:abort"]);
  // Samples above both percentages: no fault, decided at once.
  assert.equal(injectFault(service, request({ "x-typemesh-route": "chaos" }), signal, e, () => 0.99), undefined);
  // A delay alone passes on to the app afterwards.
  const onlyDelay = [0.1, 0.5];
  assert.deepEqual(await injectFault(service, request({ "x-typemesh-route": "chaos" }), signal, e, () => onlyDelay.shift()!), { kind: "pass" });
});

test("the route is the caller's tag; untagged requests (no sidecar) are matched here", async () => {
  const e = events();
  const signal = new AbortController().signal;
  assert.equal(injectFault(service, request({ "x-typemesh-route": "calm", "x-chaos": "1" }), signal, e, () => 0), undefined);
  assert.deepEqual(await injectFault(service, request({ "x-chaos": "1" }), signal, e, () => 0), { kind: "abort", status: 503, route: "chaos" });
  assert.equal(injectFault(service, request({}), signal, e, () => 0), undefined);
  assert.equal(injectFault(testService(), request({}), signal, e, () => 0), undefined, "a service without faults costs one lookup");
  assert.equal(injectFault(undefined, request({}), signal, e, () => 0), undefined);
});

test("a caller that gives up during the delay ends it", async () => {
  const client = new AbortController();
  const pending = injectFault(service, request({ "x-typemesh-route": "chaos" }), client.signal, events(), () => 0)!;
  client.abort();
  assert.deepEqual(await pending, { kind: "cancelled" });
});
