import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import { test } from "node:test";
import { ResponseBody, type BodySink } from "./response-body.ts";

/** A source that records what the body asked of the upstream. */
function source() {
  const calls: string[] = [];
  return { calls, resume: () => calls.push("resume"), abort: (reason: Error) => calls.push(`abort: ${reason.message}`) };
}

/** A sink like a ServerResponse: records writes, answers write() with `accept`, emits drain/close. */
class Sink extends EventEmitter implements BodySink {
  written: string[] = [];
  ended = false;
  destroyed = false;
  writableFinished = false;
  constructor(public accept = true) { super(); }
  write(chunk: Buffer): boolean { this.written.push(chunk.toString()); return this.accept; }
  end(chunk?: Buffer): void { if (chunk) this.written.push(chunk.toString()); this.ended = true; this.writableFinished = true; }
  destroy(): void { this.destroyed = true; }
}

test("a whole body is written with one end(), headers and body together", async () => {
  const body = ResponseBody.of("hello");
  assert.equal(body.done, true);
  const sink = new Sink();
  await body.pipeTo(sink);
  assert.deepEqual(sink.written, ["hello"]);
  assert.equal(sink.ended, true);
  assert.throws(() => body.pipeTo(new Sink()), /read once/);
});

test("unread chunks wait up to 64 KiB, then the upstream is paused until the body is piped", async () => {
  const upstream = source();
  const body = new ResponseBody(upstream);
  assert.equal(body.push(Buffer.alloc(40 * 1024, "a")), true);
  assert.equal(body.push(Buffer.alloc(40 * 1024, "b")), false, "over the limit: pause");
  const sink = new Sink();
  const piped = body.pipeTo(sink);
  assert.deepEqual(upstream.calls, ["resume"]);
  assert.equal(sink.written.length, 2);
  assert.equal(body.push(Buffer.from("c")), true);
  body.end();
  await piped;
  assert.equal(sink.ended, true);
  assert.equal(sink.written.at(-1), "c");
});

test("a client that does not drain pauses the upstream; drain resumes it", () => {
  const upstream = source();
  const body = new ResponseBody(upstream);
  const sink = new Sink(false);
  void body.pipeTo(sink);
  assert.equal(body.push(Buffer.from("x")), false);
  sink.emit("drain");
  assert.deepEqual(upstream.calls, ["resume"]);
  sink.accept = true;
  assert.equal(body.push(Buffer.from("y")), true);
  sink.emit("drain"); // not paused: nothing to resume
  assert.deepEqual(upstream.calls, ["resume"]);
});

test("an upstream failure mid-body destroys the client's response; text() rejects", async () => {
  const body = new ResponseBody(source());
  const sink = new Sink();
  const piped = body.pipeTo(sink);
  body.push(Buffer.from("part"));
  body.fail(new Error("upstream reset"));
  await piped;
  assert.equal(sink.destroyed, true);
  assert.equal(sink.ended, false);

  const other = new ResponseBody(source());
  const text = other.text();
  other.fail(new Error("upstream reset"));
  await assert.rejects(text, /upstream reset/);
});

test("destroy aborts the upstream with the reason, cuts a piped response, and runs onDone once", async () => {
  const upstream = source();
  const body = new ResponseBody(upstream);
  let done = 0;
  body.onDone(() => done++);
  const sink = new Sink();
  const piped = body.pipeTo(sink);
  body.destroy(new Error("deadline"));
  body.destroy(new Error("again"));
  await piped;
  assert.deepEqual(upstream.calls, ["abort: deadline"]);
  assert.equal(sink.destroyed, true);
  assert.equal(done, 1);
  body.onDone(() => done++);
  assert.equal(done, 2, "a listener added once done runs at once");
  assert.equal(body.push(Buffer.from("late")), true, "a late chunk is dropped, not buffered");
});

test("the client going away lets the body go and aborts the upstream", () => {
  const upstream = source();
  const body = new ResponseBody(upstream);
  const sink = new Sink();
  void body.pipeTo(sink);
  sink.emit("close");
  assert.equal(body.done, true);
  assert.deepEqual(upstream.calls, ["abort: the client closed the connection"]);
});

test("discard reads a small body to its end (the connection is kept) and aborts one over the limit", () => {
  const small = source();
  const body = new ResponseBody(small);
  body.push(Buffer.alloc(70 * 1024)); // paused: nobody reads yet
  body.discard(128 * 1024);
  assert.deepEqual(small.calls, ["resume"]);
  body.push(Buffer.alloc(10 * 1024));
  body.end();
  assert.equal(body.done, true);
  assert.deepEqual(small.calls, ["resume"], "read to its end: no abort");

  const large = source();
  const big = new ResponseBody(large);
  big.discard(1024);
  big.push(Buffer.alloc(2048));
  assert.equal(big.done, true);
  assert.deepEqual(large.calls, ["abort: discarded body exceeds its limit"]);
});
