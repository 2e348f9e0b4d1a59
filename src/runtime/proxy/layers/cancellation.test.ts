import assert from "node:assert/strict";
import { test } from "node:test";
import { Pool } from "undici";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Cancellation, linkedAbort } from "./cancellation.ts";

test("a cancellation runs each listener once, in order, with its reason set; a removed or late listener never runs", () => {
  const cancel = new Cancellation();
  const calls: string[] = [];
  const removed = () => calls.push("removed");
  cancel.addEventListener("abort", () => calls.push(`first ${String(cancel.reason)}`));
  cancel.addEventListener("abort", removed);
  cancel.addEventListener("abort", () => calls.push("second"));
  cancel.removeEventListener("abort", removed);
  assert.equal(cancel.aborted, false);
  cancel.abort("client gone");
  cancel.abort("again");
  cancel.addEventListener("abort", () => calls.push("late"));
  assert.deepEqual(calls, ["first client gone", "second"]);
  assert.equal(cancel.aborted, true);
  assert.equal(cancel.reason, "client gone");
});

test("a listener that throws does not keep the others from running", () => {
  const cancel = new Cancellation();
  let ran = false;
  cancel.addEventListener("abort", () => { throw new Error("listener broke"); });
  cancel.addEventListener("abort", () => { ran = true; });
  assert.throws(() => cancel.abort("stop"), /listener broke/);
  assert.equal(ran, true);
});

test("a linked cancellation follows its parent until disposed", () => {
  const parent = new Cancellation();
  const followed = linkedAbort(parent);
  const disposed = linkedAbort(parent);
  disposed.dispose();
  parent.abort("parent reason");
  assert.equal(followed.signal.aborted, true);
  assert.equal(followed.signal.reason, "parent reason");
  assert.equal(disposed.signal.aborted, false);
  const late = linkedAbort(parent);
  assert.equal(late.signal.aborted, true, "linked to a parent already aborted");
});

test("undici's pool takes a cancellation as a request's signal and aborts the request with its reason", async (t) => {
  let arrived!: () => void;
  const reached = new Promise<void>((resolve) => { arrived = resolve; });
  const server = createServer(() => arrived()); // never answers
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const pool = new Pool(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  t.after(async () => { await pool.destroy(); server.closeAllConnections(); server.close(); });
  const cancel = new Cancellation();
  const answer = pool.request({ method: "GET", path: "/", signal: cancel as unknown as AbortSignal });
  await reached;
  const reason = new Error("the client went away");
  cancel.abort(reason);
  await assert.rejects(answer, (error) => error === reason);
});
