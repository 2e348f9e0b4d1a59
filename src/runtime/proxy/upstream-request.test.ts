import assert from "node:assert/strict";
import { once } from "node:events";
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { test } from "node:test";
import { Pool } from "undici";
import { Cancellation } from "./layers/cancellation.ts";
import { requestUpstream } from "./upstream-request.ts";

async function upstream(handle: (path: string, res: ServerResponse, body: string) => void) {
  const server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8").on("data", (chunk) => (body += chunk)).on("end", () => handle(req.url ?? "/", res, body));
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const pool = new Pool(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, { connections: 1 });
  return { server, pool, close: async () => { await pool.destroy(); server.close(); } };
}

test("status, lower-cased headers (repeated ones as arrays) and a request body travel over a real socket", async (t) => {
  const up = await upstream((path, res, body) => {
    res.writeHead(201, [["X-Echo", `${path} ${body}`], ["Set-Cookie", "a=1"], ["Set-Cookie", "b=2"]]);
    res.end("created");
  });
  t.after(up.close);
  const answer = await requestUpstream(up.pool, { method: "POST", path: "/items", headers: { "content-type": "text/plain" }, body: Readable.from(["one ", "two"]) }, new Cancellation());
  assert.equal(answer.status, 201);
  assert.equal(answer.headers["x-echo"], "/items one two");
  assert.deepEqual(answer.headers["set-cookie"], ["a=1", "b=2"]);
  assert.equal(await answer.body.text(), "created");
});

test("a large body streams whole, with backpressure, and the connection is reused after", async (t) => {
  const chunk = "z".repeat(64 * 1024);
  const up = await upstream((_path, res) => {
    res.writeHead(200);
    let left = 32; // 2 MiB
    const more = () => { while (left > 0) { left--; if (!res.write(chunk)) return void res.once("drain", more); } res.end(); };
    more();
  });
  t.after(up.close);
  const answer = await requestUpstream(up.pool, { method: "GET", path: "/big", headers: {}, body: null }, new Cancellation());
  await new Promise((resolve) => setTimeout(resolve, 50)); // unread meanwhile: the pool must pause, not buffer 2 MiB
  assert.equal((await answer.body.text()).length, 32 * chunk.length);
  let connections = 0;
  up.server.on("connection", () => connections++);
  const again = await requestUpstream(up.pool, { method: "GET", path: "/big", headers: {}, body: null }, new Cancellation());
  await again.body.text();
  assert.equal(connections, 0, "kept alive");
});

test("cancelling before the headers rejects with the reason; cancelling mid-body fails the body and closes the upstream's stream", async (t) => {
  let closedMidBody: Promise<unknown> | undefined;
  const up = await upstream((path, res) => {
    if (path === "/slow") return; // never answers
    res.writeHead(200);
    res.write("first");
    closedMidBody = once(res, "close");
  });
  t.after(up.close);
  const early = new Cancellation();
  const pending = requestUpstream(up.pool, { method: "GET", path: "/slow", headers: {}, body: null }, early);
  setTimeout(() => early.abort(new Error("deadline")), 30);
  await assert.rejects(pending, /deadline/);

  const late = new Cancellation();
  const answer = await requestUpstream(up.pool, { method: "GET", path: "/stream", headers: {}, body: null }, late);
  const text = answer.body.text();
  late.abort(new Error("client went away"));
  await assert.rejects(text, /client went away/);
  await closedMidBody;

  const already = new Cancellation();
  already.abort(new Error("gone"));
  await assert.rejects(requestUpstream(up.pool, { method: "GET", path: "/stream", headers: {}, body: null }, already), /gone/);
});
