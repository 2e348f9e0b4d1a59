// Acceptance 2 of issue 8: the dashboard keeps up with the demo's traffic with bounded memory in the
// page and in the control plane. The demo runs as `npm start` does (20 requests/s), the page stays open
// and walks through every view between samples; each sample reads both heaps after a full GC, the
// page's DOM size, and how old the state on screen is. TYPEMESH_SOAK_SECONDS sets the length (npm test:
// 40 s; the recorded run in bench/RESULTS.md: 600 s); TYPEMESH_SOAK_REPORT=file writes the samples.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { after, before, test } from "node:test";
import { browserMissing, openBrowser, pageMemory, processMemory, startDemo, type Browser, type DemoProcess } from "./harness.ts";

const seconds = Number(process.env.TYPEMESH_SOAK_SECONDS ?? "40");
const skip = browserMissing();
let demo: DemoProcess;
let browser: Browser;

before(async () => {
  if (skip) return;
  demo = await startDemo({ durationSeconds: seconds + 180, rate: 20, inspect: true });
  browser = await openBrowser();
}, { timeout: 180_000 });

after(async () => {
  await browser?.close();
  await demo?.stop();
});

interface Sample {
  atSeconds: number;
  pageHeapMB: number;
  /** The renderer's DOM node counter (detached nodes not yet swept included). */
  domNodes: number;
  /** Elements in the document. */
  documentNodes: number;
  listeners: number;
  cpHeapMB: number;
  cpRssMB: number;
  /** Age of the state on screen when sampled. */
  lagSeconds: number;
  edges: number;
}

const MB = 1024 * 1024;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

test(`the dashboard keeps up with the demo's traffic for ${seconds} s with bounded memory`, { skip, timeout: (seconds + 240) * 1000 }, async () => {
  const { page } = browser;
  await page.goto(demo.dashboard);
  await page.locator('g[data-edge="shop/shopper->shop/frontend"]').waitFor({ timeout: 30_000 });
  // The first sample is taken once traffic has filled the 30 s window and every view has been drawn.
  const views = ["#/service/shop/checkout", "#/proxies", "#/changes", "#/rollouts", "#/service/shop/catalog", "#/topology"];
  const started = Date.now();
  const sampleEvery = Math.max(5, Math.min(20, seconds / 20)) * 1000;
  const warmUp = Math.min(30, Math.max(10, seconds / 6)) * 1000;
  const samples: Sample[] = [];
  let next = started + warmUp;
  while (Date.now() - started < seconds * 1000) {
    // Walk the views between samples, as someone watching would; sample on the topology.
    for (const hash of views) {
      await page.evaluate((h) => { location.hash = h; }, hash);
      await page.waitForTimeout(Math.max(200, Math.min(1500, sampleEvery / (2 * views.length))));
    }
    if (Date.now() < next) {
      await page.waitForTimeout(Math.min(next - Date.now(), 1000));
      continue;
    }
    next += sampleEvery;
    const updatedAt = Number(await page.evaluate(() => document.body.dataset.updatedAt));
    const memory = await pageMemory(page);
    const cp = await processMemory(demo.inspector!, demo.child.pid!);
    samples.push({
      atSeconds: Math.round((Date.now() - started) / 1000),
      pageHeapMB: memory.heapBytes / MB, domNodes: memory.domNodes, documentNodes: memory.documentNodes, listeners: memory.listeners,
      cpHeapMB: cp.heapBytes / MB, cpRssMB: cp.rssBytes / MB,
      lagSeconds: (Date.now() - updatedAt) / 1000,
      edges: await page.locator("g[data-edge]").count(),
    });
  }
  const report = { seconds, rate: 20, samples };
  if (process.env.TYPEMESH_SOAK_REPORT) writeFileSync(process.env.TYPEMESH_SOAK_REPORT, `${JSON.stringify(report, null, 2)}\n`);
  const first = samples.slice(0, Math.max(1, Math.floor(samples.length / 3)));
  const last = samples.slice(-Math.max(1, Math.floor(samples.length / 3)));
  const summary = (key: keyof Sample) => `${key} ${median(first.map((s) => s[key])).toFixed(1)} → ${median(last.map((s) => s[key])).toFixed(1)} (max ${Math.max(...samples.map((s) => s[key])).toFixed(1)})`;
  console.log(`soak ${seconds} s, ${samples.length} samples: ${(["pageHeapMB", "documentNodes", "domNodes", "listeners", "cpHeapMB", "cpRssMB", "lagSeconds"] as const).map(summary).join("; ")}`);

  assert.ok(samples.length >= 3, `only ${samples.length} samples`);
  // Keeps up: what the page shows is never older than a few of the feed's 2 s ticks (a busy 2-core
  // machine delays both the control plane and the page).
  for (const s of samples) assert.ok(s.lagSeconds < 10, `the page showed a state ${s.lagSeconds.toFixed(1)} s old at ${s.atSeconds} s`);
  // The graph is drawn at every sample; an edge of a few requests a second may have none reported in
  // a 30 s window now and then (a sidecar that rejoins starts its counters again), so most, not all.
  assert.ok(samples.every((s) => s.edges >= 1), "the topology lost its edges");
  assert.ok(median(samples.map((s) => s.edges)) >= 5, "the topology shows fewer than 5 edges most of the time");
  // Bounded: the page redraws in place (the same elements in the document, no leaked listeners or
  // heap). The renderer's DOM counter is reported but not compared: it still counts a view just left
  // until Blink's own collector sweeps it, which is not on V8's full GC, so some samples read a few
  // hundred more (the 600 s runs: 391 at rest, 711–779 at most; a 40 s CI run read 711 in both of its
  // last samples). Detached nodes kept alive by the page would show in its heap. The listener counter
  // includes those views' listeners too, so it compares the least of each third; heaps their medians.
  const floor = (values: number[]) => Math.min(...values);
  const growth = (key: "pageHeapMB" | "cpHeapMB" | "documentNodes" | "listeners") => {
    const of = key === "listeners" ? floor : median;
    return of(last.map((s) => s[key])) - of(first.map((s) => s[key]));
  };
  assert.ok(growth("pageHeapMB") < 2, `page heap grew ${growth("pageHeapMB").toFixed(2)} MB`);
  assert.ok(growth("documentNodes") < 200, `the document grew by ${growth("documentNodes")} elements`);
  assert.ok(growth("listeners") < 50, `event listeners grew by ${growth("listeners")}`);
  // … and the control plane holds at most its 10-minute traffic window (traffic-store.ts) beyond that.
  assert.ok(growth("cpHeapMB") < 4 + (12 * Math.min(seconds, 600)) / 600, `control-plane heap grew ${growth("cpHeapMB").toFixed(1)} MB`);
});
