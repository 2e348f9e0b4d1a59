import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { test } from "node:test";
import type { RetryIR } from "../../../compiler/ir/schema.ts";
import { RetryBudget } from "../retry-budget.ts";
import { localReply } from "./types.ts";
import { backoffMs, retry } from "./retry.ts";
import { shouldRetry } from "./retry-conditions.ts";
import { answer, readAll, scripted, testRequest } from "./test-requests.ts";

const policy = (changes: Partial<RetryIR> = {}): RetryIR => ({
  attempts: 2, retryOn: ["5xx"], retryOnStatus: [], backoff: { baseMs: 1, maxMs: 2 }, retryNonIdempotent: false, ...changes,
});
const budget = () => new RetryBudget();

test("retryOn conditions: what each one retries", () => {
  const cases: [string[], number[], ReturnType<typeof answer>, boolean][] = [
    [["5xx"], [], answer(500), true],
    [["5xx"], [], answer(404), false],
    [["5xx"], [], localReply(503, "upstream-connect-failure", "x"), true],
    [["gateway-error"], [], answer(500), false],
    [["gateway-error"], [], answer(504), true],
    [["reset"], [], answer(503), false],
    [["reset"], [], answer(503, { headers: { "x-typemesh-reason": "app-reset" } }), true],
    [["reset"], [], localReply(504, "per-try-timeout", "x"), true],
    [["connect-failure"], [], localReply(503, "upstream-reset", "x"), false],
    [["connect-failure"], [], answer(503, { headers: { "x-typemesh-reason": "app-connect-failure" } }), true],
    [[], [409], answer(409), true],
    [["5xx"], [503], localReply(503, "circuit-open", "x"), false],
    [["5xx"], [], localReply(503, "no-healthy-upstream", "x"), false],
  ];
  for (const [retryOn, retryOnStatus, response, expected] of cases) {
    assert.equal(shouldRetry(policy({ retryOn, retryOnStatus }), response), expected, `${retryOn}/${retryOnStatus} on ${response.status} ${response.reason ?? response.headers["x-typemesh-reason"] ?? ""}`);
  }
});

test("a failing try is retried up to `attempts` times; the first success ends it", async () => {
  const retried: string[] = [];
  const inner = scripted([answer(503), answer(502), answer(200)]);
  const response = await retry(policy(), budget(), { retried: (route) => retried.push(route), denied: () => {} })(inner)(testRequest());
  assert.equal(response.status, 200);
  assert.equal(inner.calls.length, 3);
  assert.deepEqual(retried, ["r", "r"]);

  const always = scripted([answer(503)]);
  assert.equal((await retry(policy(), budget())(always)(testRequest())).status, 503);
  assert.equal(always.calls.length, 3);

  const notRetried = scripted([answer(404), answer(200)]);
  assert.equal((await retry(policy(), budget())(notRetried)(testRequest())).status, 404);
  assert.equal(notRetried.calls.length, 1);
});

test("POST and PATCH are tried once unless the route opts in", async () => {
  for (const method of ["POST", "PATCH"]) {
    const inner = scripted([answer(503), answer(200)]);
    assert.equal((await retry(policy(), budget())(inner)(testRequest({ method }))).status, 503);
    assert.equal(inner.calls.length, 1);
    const optedIn = scripted([answer(503), answer(200)]);
    assert.equal((await retry(policy({ retryNonIdempotent: true }), budget())(optedIn)(testRequest({ method }))).status, 200);
  }
  const put = scripted([answer(503), answer(200)]);
  assert.equal((await retry(policy(), budget())(put)(testRequest({ method: "PUT" }))).status, 200);
});

test("a retried body is replayed whole; a body over 64 KiB is not retried", async () => {
  const bodies: string[] = [];
  const consume = (status: number) => async (request: { body?: Readable }) => {
    bodies.push(await readAll(request.body));
    return answer(status);
  };
  const small = "x".repeat(10_000);
  const inner = scripted([consume(503), consume(503), consume(200)]);
  const response = await retry(policy(), budget())(inner)(testRequest({ method: "PUT", body: Readable.from([small.slice(0, 4000), small.slice(4000)]) }));
  assert.equal(response.status, 200);
  assert.deepEqual(bodies, [small, small, small]);

  const denied: string[] = [];
  const large = Buffer.alloc(100 * 1024, "y");
  bodies.length = 0;
  const big = scripted([consume(503), consume(200)]);
  const chunks = Array.from({ length: 10 }, (_, i) => large.subarray(i * 10240, (i + 1) * 10240));
  const bigResponse = await retry(policy(), budget(), { retried: () => {}, denied: (_r, _s, why) => denied.push(why) })(big)(testRequest({ method: "PUT", body: Readable.from(chunks) }));
  assert.equal(bigResponse.status, 503);
  assert.equal(big.calls.length, 1);
  assert.equal(bodies[0]!.length, large.length);
  assert.deepEqual(denied, ["body-not-replayable"]);
});

test("an exhausted budget stops retries; a retry that succeeds is refunded", async () => {
  const tight = new RetryBudget({ ratio: 0, minPerSecond: 0.2, windowMs: 10_000 }); // 2 failed retries per window
  const layer = retry(policy({ attempts: 5 }), tight);
  const down = scripted([answer(503)]);
  await layer(down)(testRequest());
  assert.equal(down.calls.length, 3, "two retries, then the budget is spent");
  const flaky = scripted([answer(503)]);
  await layer(flaky)(testRequest());
  assert.equal(flaky.calls.length, 1, "no budget left for another request's retries");

  const refunding = new RetryBudget({ ratio: 0, minPerSecond: 0.1, windowMs: 10_000 }); // 1 failed retry per window
  for (let i = 0; i < 20; i++) {
    const recovers = scripted([answer(503), answer(200)]);
    assert.equal((await retry(policy(), refunding)(recovers)(testRequest())).status, 200, `request ${i}`);
  }
});

test("backoff is full jitter, doubling from the base up to the max", () => {
  const p = policy({ backoff: { baseMs: 25, maxMs: 100 } });
  assert.equal(backoffMs(p, 1, () => 0.999999), 25 * 0.999999);
  assert.equal(backoffMs(p, 2, () => 1), 50);
  assert.equal(backoffMs(p, 3, () => 1), 100);
  assert.equal(backoffMs(p, 4, () => 1), 100);
  assert.equal(backoffMs(p, 3, () => 0), 0);
});

test("no retries declared, or zero attempts: no layer", () => {
  const inner = scripted([answer(200)]);
  assert.equal(retry(undefined, budget())(inner), inner);
  assert.equal(retry(policy({ attempts: 0 }), budget())(inner), inner);
});
