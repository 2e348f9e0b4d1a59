// Sync states as `typemesh status` shows them: a proxy that joins does not flash the others STALE; a
// publish that changes a proxy's view makes it STALE from the send until its ACK, and only that proxy.
import assert from "node:assert/strict";
import { test } from "node:test";
import { createBundle } from "../../compiler/emit/bundle.ts";
import type { MeshIR, ServiceIR } from "../../compiler/ir/schema.ts";
import type { NodeInfo } from "../protocol/messages.ts";
import { ProxySessions, type ProxySession } from "./proxy-sessions.ts";
import { EndpointRegistry } from "./registry.ts";

const source = { file: "proxy-sessions.test.ts", line: 1, column: 1 };

function service(name: string): ServiceIR {
  return {
    id: `shop/${name}`, name, namespace: "shop", port: 8080, identity: `spiffe://shop.local/ns/shop/sa/${name}`,
    mtls: "permissive", loadBalancer: "round-robin", versions: [{ name: "v1", labels: { version: "v1" } }],
    routes: [], authorization: { allow: [], deny: [] }, source,
  };
}

const ir: MeshIR = { apiVersion: "typemesh.dev/v1", mesh: { trustDomain: "shop.local", mtls: "permissive" }, services: [service("web"), service("cart"), service("search")] };
const bundle = createBundle(ir);

function session(name: string, port: number): ProxySession & { snapshots: { nonce: string; version: string }[] } {
  const node: NodeInfo = { id: `${name}-v1`, service: `shop/${name}`, version: "v1", inbound: { host: "127.0.0.1", port } };
  const snapshots: { nonce: string; version: string }[] = [];
  return { node, connectedAt: new Date().toISOString(), snapshots, send: (text) => snapshots.push(JSON.parse(text) as { nonce: string; version: string }) };
}

function join(sessions: ProxySessions, s: ReturnType<typeof session>): void {
  sessions.add(s);
  sessions.publishTo(s, bundle);
}

function ack(sessions: ProxySessions, s: ReturnType<typeof session>): void {
  const last = s.snapshots.at(-1)!;
  sessions.acknowledge(s, last.nonce, last.version);
}

const states = (sessions: ProxySessions) => Object.fromEntries(sessions.status().map((p) => [p.id, p.state]));

test("a join leaves the others SYNCED; the publish after it makes STALE only the proxies whose view it changed, until they ACK", () => {
  const sessions = new ProxySessions(new EndpointRegistry());
  const web = session("web", 1001);
  const search = session("search", 1002);
  join(sessions, web);
  join(sessions, search);
  sessions.publish(bundle);
  ack(sessions, web);
  ack(sessions, search);
  assert.deepEqual(states(sessions), { "web-v1": "SYNCED", "search-v1": "SYNCED" });
  const webViews = web.snapshots.length;
  const searchViews = search.snapshots.length;

  const cart = session("cart", 1003);
  join(sessions, cart);
  assert.equal(cart.snapshots.length, 1, "the new proxy is served its view at once");
  assert.deepEqual(states(sessions), { "cart-v1": "STALE", "web-v1": "SYNCED", "search-v1": "SYNCED" });

  // The debounced publish: web and search may call cart, so their views now name its endpoint.
  sessions.publish(bundle);
  assert.equal(web.snapshots.length, webViews + 1);
  assert.equal(search.snapshots.length, searchViews + 1);
  assert.deepEqual(states(sessions), { "cart-v1": "STALE", "web-v1": "STALE", "search-v1": "STALE" });
  ack(sessions, web);
  ack(sessions, cart);
  assert.deepEqual(states(sessions), { "cart-v1": "SYNCED", "web-v1": "SYNCED", "search-v1": "STALE" });
  ack(sessions, search);
  assert.deepEqual(states(sessions), { "cart-v1": "SYNCED", "web-v1": "SYNCED", "search-v1": "SYNCED" });
  sessions.publish(bundle);
  assert.equal(web.snapshots.length, webViews + 1, "an unchanged view is not sent again");
});
