import assert from "node:assert/strict";
import { test } from "node:test";
import { ConcurrencyGate, type Release } from "./circuit-breakers.ts";

const signal = () => new AbortController().signal;

test("within the limit a slot is granted at once; past it a request waits; past the queue it is refused", async () => {
  const gate = new ConcurrencyGate();
  gate.configure({ maxRequests: 2, maxConnections: 5, maxPendingRequests: 1 });
  const first = gate.acquire(signal()) as Release;
  const second = gate.acquire(signal()) as Release;
  assert.equal(typeof first, "function");
  const waiting = gate.acquire(signal());
  assert.ok(waiting instanceof Promise);
  assert.equal(gate.acquire(signal()), "open");
  assert.equal(gate.pending, 1);
  first();
  first(); // releasing twice frees one slot
  const third = await waiting;
  assert.equal(typeof third, "function");
  assert.equal(gate.inFlight, 2);
  second();
  third!();
  assert.equal(gate.inFlight, 0);
});

test("the lower of maxConnections and maxRequests binds; maxPendingRequests 0 means no queue", () => {
  const gate = new ConcurrencyGate();
  gate.configure({ maxConnections: 1, maxRequests: 10, maxPendingRequests: 0 });
  assert.equal(typeof gate.acquire(signal()), "function");
  assert.equal(gate.acquire(signal()), "open");
});

test("a waiter whose request is aborted leaves the queue; new limits apply at once", async () => {
  const gate = new ConcurrencyGate();
  gate.configure({ maxRequests: 1, maxPendingRequests: 5 });
  const held = gate.acquire(signal()) as Release;
  const client = new AbortController();
  const waiting = gate.acquire(client.signal) as Promise<Release | undefined>;
  client.abort();
  assert.equal(await waiting, undefined);
  assert.equal(gate.pending, 0);
  const next = gate.acquire(signal()) as Promise<Release | undefined>;
  gate.configure({ maxRequests: 2, maxPendingRequests: 5 });
  assert.equal(typeof (await next), "function");
  held();
});
