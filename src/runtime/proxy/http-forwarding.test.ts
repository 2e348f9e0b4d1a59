import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ServerResponse } from "node:http";
import { forwardableHeaders, whenAnswered } from "./http-forwarding.ts";

describe("forwardableHeaders", () => {
  it("drops hop-by-hop headers and keeps the rest", () => {
    const out = forwardableHeaders({ host: "cart", connection: "keep-alive", "keep-alive": "timeout=5", te: "trailers", "x-request-id": "r1", accept: "*/*" });
    assert.deepEqual(out, { host: "cart", "x-request-id": "r1", accept: "*/*" });
  });

  it("drops the headers the Connection header names, whatever their case and spacing", () => {
    const out = forwardableHeaders({ host: "cart", connection: "Keep-Alive, X-Debug ,x-trace", "x-debug": "1", "x-trace": "t", "x-kept": "k" });
    assert.deepEqual(out, { host: "cart", "x-kept": "k" });
  });

  it("keeps every end-to-end header when the Connection header is close or absent", () => {
    assert.deepEqual(forwardableHeaders({ host: "cart", connection: "close", "x-debug": "1" }), { host: "cart", "x-debug": "1" });
    assert.deepEqual(forwardableHeaders({ host: "cart", "x-debug": "1" }), { host: "cart", "x-debug": "1" });
  });

  it("returns a copy the caller may change", () => {
    const raw = { host: "cart", "x-a": "1" };
    const out = forwardableHeaders(raw);
    out["x-b"] = "2";
    assert.deepEqual(raw, { host: "cart", "x-a": "1" });
  });
});

describe("whenAnswered", () => {
  const settle = () => new Promise((resolve) => setImmediate(resolve));
  // What whenAnswered uses of a ServerResponse: destroy, counted.
  let closes = 0;
  const response = () => ({ destroy: () => { closes++; } }) as unknown as ServerResponse;

  it("gives failed whatever answered threw, and closes the connection only when failed throws too", async () => {
    const seen: unknown[] = [];
    const res = response();
    whenAnswered(res, Promise.resolve(1), () => { throw new Error("answered broke"); }, (error) => seen.push((error as Error).message));
    whenAnswered(res, Promise.reject(new Error("no answer")), () => seen.push("never"), (error) => seen.push((error as Error).message));
    await settle();
    assert.deepEqual(seen, ["answered broke", "no answer"]);
    assert.equal(closes, 0);
    let unhandled = 0;
    const count = () => { unhandled++; };
    process.on("unhandledRejection", count);
    whenAnswered(res, Promise.reject(new Error("no answer")), () => {}, () => { throw new Error("failed broke"); });
    await settle();
    await settle();
    process.off("unhandledRejection", count);
    assert.equal(closes, 1, "the connection is closed");
    assert.equal(unhandled, 0, "nothing escapes as an unhandled rejection");
  });
});
