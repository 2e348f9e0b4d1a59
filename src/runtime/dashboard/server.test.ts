import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { createBundle } from "../../compiler/emit/bundle.ts";
import type { MeshIR, ServiceIR } from "../../compiler/ir/schema.ts";
import { ControlPlane } from "../control-plane/control-plane.ts";
import type { ChangeEntry } from "./changes.ts";
import type { LiveState } from "./live-state.ts";

const source = { file: "checkout.policy.ts", line: 1, column: 1 };
function mesh(timeoutMs: number): MeshIR {
  const checkout: ServiceIR = {
    id: "shop/checkout", name: "checkout", namespace: "shop", port: 8080, identity: "spiffe://t/ns/shop/sa/checkout", mtls: "strict",
    loadBalancer: "round-robin", versions: [{ name: "v1", labels: {} }],
    routes: [{ name: "default", matches: [], destinations: [{ version: "v1", weight: 100 }], timeoutMs, source }],
    authorization: { allow: [], deny: [] }, source,
  };
  return { apiVersion: "typemesh.dev/v1", mesh: { trustDomain: "t", mtls: "strict" }, services: [checkout] };
}

const token = "dashboard-test-token";
let dir: string;
let cp: ControlPlane;
let url: string;

before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "typemesh-dashboard-"));
  cp = new ControlPlane({ stateDir: dir, adminToken: token, port: 0 });
  ({ url } = await cp.listen());
  cp.apply(createBundle(mesh(1000)), "test");
  cp.apply(createBundle(mesh(2000)), "test");
});

after(async () => {
  await cp.close();
  rmSync(dir, { recursive: true, force: true });
});

test("the page and its assets are served without a token, with a strict content security policy", async () => {
  const redirect = await fetch(`${url}/dashboard`, { redirect: "manual" });
  assert.equal(redirect.status, 308);
  assert.equal(redirect.headers.get("location"), "/dashboard/");
  const page = await fetch(`${url}/dashboard/`);
  assert.equal(page.status, 200);
  assert.match(page.headers.get("content-security-policy") ?? "", /script-src 'self'/);
  const html = await page.text();
  const js = /src="(\/dashboard\/app\.js\?v=\w+)"/.exec(html)?.[1];
  assert.ok(js, html);
  const script = await fetch(`${url}${js}`);
  assert.equal(script.headers.get("content-type"), "text/javascript; charset=utf-8");
  assert.ok((await script.text()).length > 10_000);
  assert.equal((await fetch(`${url}/dashboard/secrets.json`)).status, 404);
});

test("the change list and the live feed need the admin token", async () => {
  assert.equal((await fetch(`${url}/api/dashboard/changes`)).status, 401);
  assert.equal((await fetch(`${url}/api/events`)).status, 401);
  assert.equal((await fetch(`${url}/api/events?token=wrong`)).status, 401);
});

test("the change list is newest first, each entry with its impact summary", async () => {
  const res = await fetch(`${url}/api/dashboard/changes`, { headers: { authorization: `Bearer ${token}` } });
  const changes = await res.json() as ChangeEntry[];
  assert.equal(changes.length, 2);
  assert.equal(changes[0]!.current, true);
  assert.match(changes[0]!.impact?.headline ?? "", /1 service changed/);
  assert.match(changes[0]!.impact?.services[0]?.changes.map((c) => c.summary).join("\n") ?? "", /timeout 1s → 2s/);
  assert.equal(changes[1]!.impact?.verdict, "first");
});

test("the live feed sends the state at once as a server-sent event", async () => {
  const abort = new AbortController();
  const res = await fetch(`${url}/api/events?token=${token}`, { signal: abort.signal });
  assert.equal(res.headers.get("content-type"), "text/event-stream; charset=utf-8");
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes("\n\n")) text += (await reader.read()).value ?? "";
  abort.abort();
  const data = /^data: (.*)$/m.exec(text)?.[1];
  const state = JSON.parse(data!) as LiveState;
  assert.equal(state.bundle?.version, cp.currentBundle()?.version);
  assert.equal(state.history.count, 2);
  assert.deepEqual(state.proxies, []);
  assert.deepEqual(state.rollouts, []);
});
