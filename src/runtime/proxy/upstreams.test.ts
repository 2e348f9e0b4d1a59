import assert from "node:assert/strict";
import { test } from "node:test";
import type { buildConnector } from "undici";
import { Upstreams, type UpstreamTls } from "./upstreams.ts";

const endpoint = (port: number, identity?: string) => ({ host: "127.0.0.1", port, ...(identity && { identity }) });

test("an endpoint keeps its pool across requests, and a retired pool is not handed out again", async () => {
  const upstreams = new Upstreams();
  const a = endpoint(7001);
  const first = upstreams.get(a);
  assert.equal(upstreams.get(a), first, "the same endpoint object");
  assert.equal(upstreams.get(endpoint(7001)), first, "an equal endpoint from another view");
  assert.notEqual(upstreams.get(endpoint(7002)), first);
  upstreams.retain([endpoint(7002)]); // a config without 7001: its pool is closed
  const after = upstreams.get(a);
  assert.notEqual(after, first, "the endpoint seen before gets a new pool, not the closed one");
  assert.equal(first.pool.closed, true);
  assert.equal(after.pool.closed, false);
  await upstreams.close();
});

test("an endpoint with an identity moves to an mTLS pool once the proxy holds a certificate, and to a fresh one after rotation", async () => {
  let certified = false;
  const tls: UpstreamTls = { available: () => certified, connectorFor: () => ((_options, callback) => callback(new Error("not dialled here"), null)) as buildConnector.connector };
  const upstreams = new Upstreams(64, tls);
  const peer = endpoint(7003, "spiffe://typemesh.local/ns/shop/sa/cart");
  const plain = upstreams.get(peer);
  assert.equal(plain.security, "none", "no certificate yet: plaintext");
  certified = true;
  const secure = upstreams.get(peer);
  assert.equal(secure.security, "mutual_tls", "the same endpoint object, now over mTLS");
  assert.notEqual(secure, plain);
  assert.equal(upstreams.get(peer), secure);
  upstreams.recycleSecure(); // a new certificate: mTLS pools are retired
  const rotated = upstreams.get(peer);
  assert.notEqual(rotated, secure, "after rotation the endpoint gets a new pool");
  assert.equal(rotated.security, "mutual_tls");
  assert.equal(secure.pool.closed, true);
  await upstreams.close();
});
