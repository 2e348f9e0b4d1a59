// The dashboard end to end (issue 8, acceptance 1 and 3): `npm start`'s demo, its printed dashboard link,
// and Debian's Chromium. The topology shows the demo's services and live edges; a policy edit appears in
// the history with its impact summary; a proxy that rejects its config shows as NACKED with its reason;
// rollback from the page works; the page says so when the control plane goes away. A screenshot is taken
// of the topology on the way (TYPEMESH_UPDATE_SCREENSHOT=1 writes it to docs/dashboard.png).
import assert from "node:assert/strict";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import type { Page } from "playwright-core";
import { Proxy } from "../../src/runtime/proxy/proxy.ts";
import { browserMissing, openBrowser, repo, signIn, startDemo, waitFor, type Browser, type DemoProcess } from "./harness.ts";

const skip = browserMissing();
let demo: DemoProcess;
let browser: Browser;
let page: Page;

before(async () => {
  if (skip) return;
  demo = await startDemo({ durationSeconds: 300 });
  browser = await openBrowser();
  page = browser.page;
}, { timeout: 180_000 });

after(async () => {
  await browser?.close();
  await demo?.stop();
});

const api = async <T>(pathname: string): Promise<T> =>
  (await fetch(`${demo.url}${pathname}`, { headers: { authorization: `Bearer ${demo.token}` } })).json() as Promise<T>;

test("npm start prints the dashboard link; a wrong token is refused, the right one signs in", { skip, timeout: 120_000 }, async () => {
  assert.match(demo.dashboard, /^http:\/\/127\.0\.0\.1:\d+\/dashboard\/#token=\w+$/);
  await page.goto(`${demo.url}/dashboard/`);
  await page.getByLabel("Admin token").fill("not-the-token");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByText("That token was refused by the control plane.").waitFor();
  await signIn(page, demo.url, demo.token);
  assert.equal(await page.locator(".feed").innerText().then((t) => t.startsWith("live")), true);
});

test("the topology shows the demo's services and live edges, mTLS and denied edges distinct", { skip, timeout: 150_000 }, async () => {
  for (const service of ["shopper", "frontend", "checkout", "catalog", "payments"]) {
    await page.locator(`[data-node="shop/${service}"]`).waitFor({ timeout: 20_000 });
  }
  // Live edges: traffic flows shopper → frontend → checkout/catalog → payments.
  for (const edge of ["shop/shopper->shop/frontend", "shop/frontend->shop/checkout", "shop/frontend->shop/catalog", "shop/checkout->shop/payments"]) {
    await waitFor(async () => Number(await page.locator(`g[data-edge="${edge}"]`).getAttribute("data-rps", { timeout: 20_000 }).catch(() => "0")) > 0, 40_000, () => `edge ${edge} never showed traffic`);
  }
  const classOf = (edge: string) => page.locator(`g[data-edge="${edge}"]`).getAttribute("class");
  assert.match(await classOf("shop/shopper->shop/frontend") ?? "", /edge--mtls/, "frontend is mTLS strict");
  assert.match(await classOf("shop/frontend->shop/catalog") ?? "", /edge--permissive/, "catalog is permissive");
  assert.match(await classOf("shop/frontend->shop/payments") ?? "", /edge--denied/, "payments denies frontend outright");
  const row = page.locator('tr[data-edge="shop/shopper->shop/frontend"]');
  assert.match(await row.innerText(), /\d+(\.\d)?\/s\s+\d+(\.\d+)?%\s+\d/, "rate, success rate and p99");

  // Keyboard: a service opens with Enter; digits switch views.
  await page.locator('[data-node="shop/checkout"]').focus();
  await page.keyboard.press("Enter");
  await page.getByRole("heading", { name: "shop/checkout", level: 1 }).waitFor();
  await page.keyboard.press("2");
  await page.getByRole("heading", { name: "Proxies", level: 1 }).waitFor();
  await page.keyboard.press("1");
  await page.getByRole("heading", { name: "Topology", level: 1 }).waitFor();
});

test("the service view lists routes in match order with splits, golden signals per version, and callers", { skip, timeout: 120_000 }, async () => {
  await page.goto(`${demo.url}/dashboard/#/service/shop/checkout`);
  const routes = page.locator("table.routes tbody tr");
  await routes.first().waitFor();
  assert.deepEqual(await routes.evaluateAll((rows) => rows.map((r) => r.getAttribute("data-route"))), ["testers", "cart", "default"]);
  assert.match(await page.locator('tr[data-route="cart"]').innerText(), /v1 90% · v2 10%[\s\S]*1\.5s[\s\S]*2 × 400ms on 5xx, gateway-error/);
  await waitFor(async () => /\/s/.test(await page.locator('table.signals tr[data-version="v1"]').innerText()) && !/\b0\/s/.test(await page.locator('table.signals tr[data-version="v1"]').innerText()), 20_000, () => "no golden signals for checkout v1");
  assert.match(await page.locator('tr[data-caller="shop/frontend"]').innerText(), /allowed/);
  assert.match(await page.locator('tr[data-caller="shop/catalog"]').innerText(), /denied/);
  await page.goto(`${demo.url}/dashboard/#/service/shop/payments`);
  assert.match(await page.locator("dl.facts").innerText(), /eject an endpoint after 5 consecutive 5xx/);
});

test("a screenshot of the topology once the 30 s traffic window is full", { skip, timeout: 120_000 }, async () => {
  await page.goto(`${demo.url}/dashboard/#/topology`);
  await page.waitForTimeout(Math.max(0, demo.startedAt + 40_000 - Date.now()));
  await waitFor(async () => (await page.locator(".status").innerText()).includes("9/9 proxies synced"), 10_000, () => "not every proxy is synced");
  await waitFor(async () => Number(await page.locator('g[data-edge="shop/checkout->shop/payments"]').getAttribute("data-rps")) > 0, 20_000, () => "no payments traffic");
  const shot = path.join(os.tmpdir(), "typemesh-dashboard.png");
  await page.screenshot({ path: shot });
  if (process.env.TYPEMESH_UPDATE_SCREENSHOT === "1") copyFileSync(shot, path.join(repo, "docs/dashboard.png"));
});

test("a policy change appears in the history with its impact summary", { skip, timeout: 120_000 }, async () => {
  await page.goto(`${demo.url}/dashboard/#/changes`);
  await page.locator("ol.changes li").first().waitFor();
  const before = (await api<{ version: string }[]>("/api/bundles")).length;
  const file = path.join(demo.policies, "checkout.policy.ts");
  const original = readFileSync(file, "utf8");
  assert.ok(original.includes("split: { v1: 90, v2: 10 },\n      timeout: \"1500ms\""));
  writeFileSync(file, original.replace("split: { v1: 90, v2: 10 },\n      timeout: \"1500ms\"", "split: { v1: 75, v2: 25 },\n      timeout: \"1500ms\""));
  await waitFor(async () => (await api<unknown[]>("/api/bundles")).length > before, 60_000, () => `the edit was not applied:\n${demo.output().slice(-2000)}`);
  const newest = page.locator("li.change--current");
  let shown = "";
  await waitFor(async () => /split v1 90% · v2 10% → v1 75% · v2 25%/.test(shown = await newest.innerText().catch(() => "")), 15_000, () => `no impact summary in: ${shown}`);
  assert.match(await newest.innerText(), /1 service changed/);
  assert.equal(await page.locator("ol.changes > li").count(), 2);
});

test("a proxy that rejects its config shows as NACKED with the reason", { skip, timeout: 120_000 }, async () => {
  const state = mkdtempSync(path.join(os.tmpdir(), "typemesh-nack-"));
  // A sidecar whose size limit no view fits: it NACKs every push and keeps what it had (nothing).
  const join = await fetch(`${demo.url}/api/join-tokens`, { method: "POST", headers: { authorization: `Bearer ${demo.token}` }, body: JSON.stringify({ service: "shop/shopper" }) });
  const { token: joinToken } = await join.json() as { token: string };
  const proxy = new Proxy({ service: "shopper", version: "v1", id: "shopper-nack", app: { host: "127.0.0.1", port: 9 }, controlPlane: demo.url, stateDir: state, maxViewBytes: 256, joinToken });
  await proxy.start();
  try {
    await page.keyboard.press("2");
    const row = page.locator('tr[data-proxy="shopper-nack"]');
    await waitFor(async () => (await row.getAttribute("data-state").catch(() => null)) === "NACKED", 60_000, () => "the proxy never showed as NACKED");
    assert.match(await row.locator("td.reason").innerText(), /config view is \d+ bytes, over this proxy's limit of 256 \(--max-view-bytes\)/);
    assert.match(await page.locator(".status").innerText(), /1 NACKED/);
    assert.match(await page.locator(".tiles").innerText(), /1\s+NACKED/);
    // Workload certificates (24 h) show their expiry.
    assert.match(await page.locator('tr[data-proxy="frontend-v1"]').innerText(), /in (23|24) h/);
  } finally {
    await proxy.close();
    rmSync(state, { recursive: true, force: true });
  }
});

test("rollback from the page asks first, then puts the previous bundle back in force", { skip, timeout: 120_000 }, async () => {
  const history = await api<{ version: string }[]>("/api/bundles");
  const [previous, current] = history.slice(-2).map((e) => e.version);
  await page.keyboard.press("3");
  const button = page.getByRole("button", { name: `Roll back to the previous version (${previous})` });
  await button.click();
  const dialog = page.getByRole("dialog");
  await dialog.waitFor();
  assert.match(await dialog.innerText(), new RegExp(`The bundle in force now, ${current}, stays in the history`));
  // Cancel changes nothing.
  await dialog.getByRole("button", { name: "Cancel" }).click();
  assert.equal((await api<{ bundle: { version: string } }>("/api/status")).bundle.version, current);
  await button.click();
  await page.getByRole("dialog").getByRole("button", { name: `Roll back to ${previous}` }).click();
  await page.getByText(`Rolled back: bundle ${previous} is in force.`).waitFor();
  assert.equal((await api<{ bundle: { version: string } }>("/api/status")).bundle.version, previous);
  const newest = page.locator("li.change--current");
  await waitFor(async () => (await newest.getAttribute("data-version").catch(() => null)) === previous, 10_000, () => "the history did not show the rollback");
  assert.match(await newest.innerText(), new RegExp(`rollback from ${current}`));
  assert.match(await newest.innerText(), /v1 75% · v2 25% → v1 90% · v2 10%/);
});

test("when the control plane goes away the page says so and keeps the last figures", { skip, timeout: 120_000 }, async () => {
  await page.keyboard.press("1");
  await demo.stop();
  await page.getByText("The control plane is unreachable.").waitFor({ timeout: 20_000 });
  assert.equal(await page.locator("main.stale").count(), 1);
  assert.ok(await page.locator('[data-node="shop/frontend"]').count() > 0, "the last topology stays visible");
  assert.deepEqual(browser.errors, []);
});
