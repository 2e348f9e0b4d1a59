// The dashboard's end-to-end harness: the demo as `npm start` runs it (a child process, so its printed
// dashboard URL is what is tested), and Debian's Chromium driven by playwright-core — never a downloaded
// browser. Memory is read the same way on both sides: V8's heap after a full GC, over the DevTools
// protocol (the page's through Playwright, the control plane's through `node --inspect`).
import { spawn, type ChildProcess } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import WebSocket from "ws";

export const repo = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");
export const CHROMIUM = "/usr/bin/chromium";

/** Why the browser tests cannot run here, or undefined. In CI (CI=true) a missing browser fails instead. */
export function browserMissing(): string | undefined {
  if (existsSync(CHROMIUM)) return undefined;
  const why = `${CHROMIUM} is missing: install it with apt-get install chromium (.ci/run does)`;
  if (process.env.CI === "true") throw new Error(why);
  return why;
}

export interface DemoProcess {
  url: string;
  token: string;
  /** The dashboard link `npm start` printed. */
  dashboard: string;
  policies: string;
  work: string;
  child: ChildProcess;
  /** When the demo said it was running (ms since the epoch). */
  startedAt: number;
  /** The DevTools endpoint of the demo process, when started with inspect. */
  inspector?: string;
  output(): string;
  stop(): Promise<void>;
}

export async function startDemo(options: { durationSeconds: number; rate?: number; inspect?: boolean }): Promise<DemoProcess> {
  const work = mkdtempSync(path.join(os.tmpdir(), "typemesh-dashboard-e2e-"));
  const policies = path.join(work, "policies");
  cpSync(path.join(repo, "policies"), policies, { recursive: true });
  const args = [
    ...(options.inspect ? ["--inspect=127.0.0.1:0"] : []),
    path.join(repo, "bin/typemesh.js"), "up", policies, "--port", "0", "--state-dir", path.join(work, "state"),
    "--duration", String(options.durationSeconds), "--rate", String(options.rate ?? 20),
  ];
  const child = spawn(process.execPath, args, { cwd: repo, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NO_COLOR: "1" } });
  let output = "";
  // Keep only the head and the tail: a long soak prints a traffic line every 5 s.
  const keep = (chunk: Buffer) => { output = output.length > 200_000 ? output.slice(0, 20_000) + output.slice(-100_000) : output; output += chunk.toString(); };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  // Generous: on a busy 2-core machine the demo compiles, enrolls nine sidecars and waits for them.
  const link = await waitFor(() => /dashboard\s+(http:\/\/127\.0\.0\.1:\d+)\/dashboard\/#token=(\w+)/.exec(output), 150_000, () => `no dashboard link in the output:\n${output}`);
  const inspector = options.inspect ? /Debugger listening on (ws:\/\/\S+)/.exec(output)?.[1] : undefined;
  return {
    url: link[1]!, token: link[2]!, dashboard: link[0].replace(/^dashboard\s+/, ""), policies, work, child, startedAt: Date.now(),
    ...(inspector && { inspector }),
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGKILL");
        await exited;
      }
      rmSync(work, { recursive: true, force: true });
    },
  };
}

export async function waitFor<T>(probe: () => T | undefined | null | false | Promise<T | undefined | null | false>, timeoutMs: number, what: () => string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(what());
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export interface Browser {
  context: BrowserContext;
  page: Page;
  /** Errors the page threw or logged: a test asserts there are none. */
  errors: string[];
  close(): Promise<void>;
}

export async function openBrowser(): Promise<Browser> {
  const profile = mkdtempSync(path.join(os.tmpdir(), "typemesh-chromium-"));
  // A fresh profile each time (Playwright passes it as --user-data-dir).
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1440, height: 900 },
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const page = context.pages()[0] ?? await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(`page error: ${error.message}`));
  page.on("console", (message) => {
    // A failed fetch while the control plane is down is expected in the unreachable test.
    if (message.type() === "error" && !/Failed to load resource|ERR_CONNECTION_REFUSED/.test(message.text())) errors.push(`console: ${message.text()}`);
  });
  return {
    context, page, errors,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** The page's JS heap after a full GC, and its DOM size. */
export async function pageMemory(page: Page): Promise<{ heapBytes: number; domNodes: number; documentNodes: number; listeners: number }> {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send("HeapProfiler.collectGarbage");
    const heap = await cdp.send("Runtime.getHeapUsage");
    const dom = await cdp.send("Memory.getDOMCounters");
    // The renderer's counter includes detached nodes its own collector has not swept yet (it runs apart
    // from V8's full GC); the document's own elements are what the page shows.
    const documentNodes = await page.evaluate(() => document.getElementsByTagName("*").length);
    return { heapBytes: heap.usedSize, domNodes: dom.nodes, documentNodes, listeners: dom.jsEventListeners };
  } finally {
    await cdp.detach();
  }
}

/** A Node process's V8 heap after a full GC, over its inspector; and its resident set from /proc. */
export async function processMemory(inspector: string, pid: number): Promise<{ heapBytes: number; rssBytes: number }> {
  const socket = new WebSocket(inspector);
  await new Promise((resolve, reject) => { socket.once("open", resolve); socket.once("error", reject); });
  let id = 0;
  const pending = new Map<number, (result: unknown) => void>();
  socket.on("message", (data) => {
    const message = JSON.parse(data.toString()) as { id?: number; result?: unknown };
    if (message.id !== undefined) pending.get(message.id)?.(message.result);
  });
  const send = <T>(method: string) => new Promise<T>((resolve) => {
    const mine = ++id;
    pending.set(mine, resolve as (result: unknown) => void);
    socket.send(JSON.stringify({ id: mine, method }));
  });
  try {
    await send("HeapProfiler.collectGarbage");
    const heap = await send<{ usedSize: number }>("Runtime.getHeapUsage");
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
    return { heapBytes: heap.usedSize, rssBytes: rssKb * 1024 };
  } finally {
    socket.close();
  }
}

/** Signs in through the form, as a person who copied the token would. */
export async function signIn(page: Page, url: string, token: string): Promise<void> {
  await page.goto(`${url}/dashboard/`);
  await page.getByLabel("Admin token").fill(token);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.locator("body[data-feed='live']").waitFor({ timeout: 20_000 });
}
