import assert from "node:assert/strict";
import { test } from "node:test";
import type { ServiceIR } from "../../../compiler/ir/schema.ts";
import type { ProxyView } from "../../protocol/messages.ts";
import { parseSpiffeId } from "../../identity/spiffe.ts";
import type { PeerIdentity } from "../identity/peer-identity.ts";
import { authorizeInbound, headersForApp } from "./authorize.ts";

const source = { file: "policies/payments.policy.ts", line: 30, column: 7 };
const payments: ServiceIR = {
  id: "shop/payments", name: "payments", namespace: "shop", port: 8080, identity: "spiffe://typemesh.local/ns/shop/sa/payments",
  mtls: "strict", loadBalancer: "round-robin", versions: [{ name: "v1", labels: {} }], routes: [], source,
  authorization: {
    allow: [{ from: ["shop/checkout"], methods: ["POST"], paths: ["/charge"], source }],
    deny: [{ from: ["shop/frontend"], source: { ...source, line: 40 } }],
  },
};
const view = (inbound?: ServiceIR): ProxyView => ({
  bundleVersion: "b", trustDomain: "typemesh.local", self: { service: "shop/payments", version: "v1" }, ...(inbound && { inbound }), outbound: [], denied: [], endpoints: {},
});
const mtls = (uri: string): PeerIdentity => ({ security: "mutual_tls", spiffe: parseSpiffeId(uri), uri });
const plaintext: PeerIdentity = { security: "none" };
const capable = { mtlsCapable: true };

test("the caller is the certificate's service; a matching ALLOW lets it through", () => {
  const verdict = authorizeInbound(view(payments), mtls("spiffe://typemesh.local/ns/shop/sa/checkout"), "POST", "/charge", capable);
  assert.equal(verdict.kind, "allow");
  assert.equal(verdict.kind === "allow" && verdict.authorized.caller, "shop/checkout");
});

test("DENY first, then default-deny once there is an ALLOW rule", () => {
  const denied = authorizeInbound(view(payments), mtls("spiffe://typemesh.local/ns/shop/sa/frontend"), "POST", "/charge", capable);
  assert.deepEqual([denied.kind, denied.kind === "deny" && denied.reason], ["deny", "denied-by-rule"]);
  assert.match(denied.kind === "deny" ? denied.message : "", /payments\.policy\.ts:40/);
  const other = authorizeInbound(view(payments), mtls("spiffe://typemesh.local/ns/shop/sa/checkout"), "GET", "/charge", capable);
  assert.deepEqual([other.kind, other.kind === "deny" && other.reason], ["deny", "no-matching-allow-rule"]);
});

test("another trust domain is authenticated but matches no rule", () => {
  const verdict = authorizeInbound(view(payments), mtls("spiffe://elsewhere/ns/shop/sa/checkout"), "POST", "/charge", capable);
  assert.equal(verdict.kind, "deny");
});

test("plaintext to strict is refused at the connection, unless this proxy has no mTLS material", () => {
  assert.equal(authorizeInbound(view(payments), plaintext, "POST", "/charge", capable).kind, "refuse-plaintext");
  // Without material the proxy serves plaintext, and the caller is unauthenticated: rules naming callers never match.
  const verdict = authorizeInbound(view(payments), plaintext, "POST", "/charge", { mtlsCapable: false });
  assert.deepEqual([verdict.kind, verdict.kind === "deny" && verdict.reason], ["deny", "no-matching-allow-rule"]);
  assert.equal(authorizeInbound(view({ ...payments, mtls: "permissive", authorization: { allow: [], deny: [] } }), plaintext, "GET", "/", capable).kind, "allow");
});

test("an undeclared workload has no policy, but still requires mTLS when it can", () => {
  assert.equal(authorizeInbound(view(), plaintext, "GET", "/", capable).kind, "refuse-plaintext");
  assert.equal(authorizeInbound(view(), mtls("spiffe://typemesh.local/ns/shop/sa/x"), "GET", "/", capable).kind, "allow");
});

test("the app gets the verified identity, never one from the network", () => {
  const peer = mtls("spiffe://typemesh.local/ns/shop/sa/checkout");
  const verdict = authorizeInbound(view(payments), peer, "POST", "/charge", capable);
  assert.equal(verdict.kind, "allow");
  if (verdict.kind !== "allow") return;
  const headers = headersForApp({ "x-typemesh-source": "shop/frontend", "x-forwarded-client-cert": "URI=forged", accept: "*/*" }, verdict.authorized, peer, payments.identity);
  assert.deepEqual(headers, { accept: "*/*", "x-forwarded-client-cert": `By=${payments.identity};URI=spiffe://typemesh.local/ns/shop/sa/checkout` });
});
