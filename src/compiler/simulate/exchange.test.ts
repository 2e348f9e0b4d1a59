import assert from "node:assert/strict";
import { test } from "node:test";
import type { RetryIR } from "../ir/schema.ts";
import { predictExchange, retryMatches, triesAllowed, UnboundedExchange } from "./exchange.ts";
import type { SimulatedOutcome } from "./simulate.ts";

const retries = (changes: Partial<RetryIR> = {}): RetryIR => ({
  attempts: 2, perTryTimeoutMs: 400, retryOn: ["5xx", "gateway-error"], retryOnStatus: [], backoff: { baseMs: 25, maxMs: 250 }, retryNonIdempotent: false, ...changes,
});
// The demo's cart route: 1.5 s timeout, 2 retries of 400 ms on 5xx and gateway errors.
const cart: SimulatedOutcome = { destinations: [], timeoutMs: 1500, retries: retries() };

test("a failure retryOn covers is retried; the answer after it is the caller's", () => {
  assert.deepEqual(predictExchange(cart, {}, [{ kind: "answer", status: 503 }, { kind: "answer", status: 200 }]),
    [{ status: 200, tries: 2, minMs: 0, maxMs: 25 }]);
  assert.deepEqual(predictExchange(cart, {}, [{ kind: "answer", status: 503 }]),
    [{ status: 503, tries: 3, minMs: 0, maxMs: 75 }]);
  assert.deepEqual(predictExchange(cart, {}, [{ kind: "answer", status: 404 }]), [{ status: 404, tries: 1, minMs: 0, maxMs: 0 }]);
});

test("per-try timeouts cut each try; the route's timeout cuts them all", () => {
  assert.deepEqual(predictExchange(cart, {}, [{ kind: "hang" }]),
    [{ status: 504, reason: "per-try-timeout", tries: 3, minMs: 1200, maxMs: 1275 }]);
  const tight = { ...cart, timeoutMs: 1000 };
  assert.deepEqual(predictExchange(tight, {}, [{ kind: "hang" }]),
    [{ status: 504, reason: "request-timeout", tries: 3, minMs: 1000, maxMs: 1000 }]);
  assert.deepEqual(predictExchange({ destinations: [], timeoutMs: 500 }, {}, [{ kind: "answer", status: 200, afterMs: 2000 }]),
    [{ status: 504, reason: "request-timeout", tries: 1, minMs: 500, maxMs: 500 }]);
  assert.throws(() => predictExchange({ destinations: [] }, {}, [{ kind: "hang" }]), UnboundedExchange);
});

test("when the backoff's jitter decides, both answers are predicted", () => {
  // The demo's search route: 800 ms, 2 retries of 250 ms, backoff 25–250 ms: three hung tries end at
  // 750 ms without backoff, but the deadline comes first with the full backoff.
  const search: SimulatedOutcome = { destinations: [], timeoutMs: 800, retries: retries({ perTryTimeoutMs: 250, retryOn: ["5xx", "reset"] }) };
  const answers = predictExchange(search, {}, [{ kind: "hang" }]);
  assert.deepEqual(answers.map((a) => [a.status, a.reason, a.tries]), [[504, "per-try-timeout", 3], [504, "request-timeout", 3]]);
});

test("reset, connect-failure and listed statuses; POST only with opt-in; big bodies once", () => {
  const charge = retries({ retryOn: ["connect-failure", "reset"], retryNonIdempotent: true });
  assert.ok(retryMatches(charge, { status: 503, reason: "app-reset" }));
  assert.ok(retryMatches(charge, { status: 504, reason: "per-try-timeout" }));
  assert.ok(retryMatches(charge, { status: 503, reason: "app-connect-failure" }));
  assert.ok(!retryMatches(charge, { status: 500 }));
  assert.ok(retryMatches(retries({ retryOn: [], retryOnStatus: [503] }), { status: 503 }));
  assert.equal(triesAllowed(cart, "POST"), 1);
  assert.equal(triesAllowed({ ...cart, retries: charge }, "POST"), 3);
  assert.equal(triesAllowed(cart, "PUT", 65 * 1024), 1);
  assert.deepEqual(predictExchange({ ...cart, retries: charge }, { method: "POST" }, [{ kind: "refuse" }]),
    [{ status: 503, reason: "app-connect-failure", tries: 3, minMs: 0, maxMs: 75 }]);
});
