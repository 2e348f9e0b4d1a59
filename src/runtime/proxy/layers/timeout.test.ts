import assert from "node:assert/strict";
import { test } from "node:test";
import { ResponseBody } from "../response-body.ts";
import { DeadlineExceeded, type CancelSignal } from "./cancellation.ts";
import { answer, hangs, readAll, scripted, testRequest } from "./test-requests.ts";
import { timeout } from "./timeout.ts";

test("a request past the route's timeout gets 504 request-timeout, and the try below is aborted", async () => {
  const timedOut: string[] = [];
  let seen: CancelSignal | undefined;
  const handler = timeout(50, "request", (route) => timedOut.push(route))((request) => {
    seen = request.signal;
    return hangs(request);
  });
  const started = performance.now();
  const response = await handler(testRequest());
  assert.equal(response.status, 504);
  assert.equal(response.reason, "request-timeout");
  assert.equal(response.headers["x-typemesh-reason"], "request-timeout");
  assert.ok(performance.now() - started >= 49);
  assert.ok(seen?.aborted);
  assert.ok(seen?.reason instanceof DeadlineExceeded);
  assert.deepEqual(timedOut, ["r"]);
});

test("an answer in time passes through untouched; no timeout means no layer", async () => {
  const inner = scripted([answer(201)]);
  const response = await timeout(1000, "per-try")(inner)(testRequest());
  assert.equal(response.status, 201);
  assert.equal(await readAll(response.body), "status 201");
  assert.equal(timeout(undefined, "request")(inner), inner);
  assert.equal(timeout(0, "request")(inner), inner);
});

test("the per-try timeout ends at the headers; the route's timeout also bounds the body", async () => {
  const slowBody = () => {
    const body = new ResponseBody();
    body.push(Buffer.from("first "));
    setTimeout(() => { body.push(Buffer.from("last")); body.end(); }, 80);
    return body;
  };
  const perTry = await timeout(30, "per-try")(scripted([answer(200, { body: slowBody() })]))(testRequest());
  assert.equal(await readAll(perTry.body), "first last");

  const request = await timeout(30, "request")(scripted([answer(200, { body: slowBody() })]))(testRequest());
  assert.equal(request.status, 200);
  await assert.rejects(readAll(request.body), DeadlineExceeded);
});

test("the client going away aborts the try and the error propagates", async () => {
  const client = new AbortController();
  const pending = timeout(1000, "request")(hangs)(testRequest({ signal: client.signal }));
  client.abort(new Error("client closed the connection"));
  await assert.rejects(pending, /client closed/);
});
