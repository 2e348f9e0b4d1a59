import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { forwardableHeaders } from "./http-forwarding.ts";

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
