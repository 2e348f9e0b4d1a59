// The demo's traffic generator: shoppers browsing the storefront through their sidecar, at a fixed
// rate and for a bounded time. Counts outcomes so the demo can show what the mesh does.
import { request } from "node:http";

export interface TrafficOptions {
  /** The shopper's sidecar outbound listener. */
  sidecar: { host: string; port: number };
  ratePerSecond: number;
  durationMs: number;
}

export interface TrafficStats {
  sent: number;
  byStatus: Record<string, number>;
  byPage: Record<string, number>;
}

const PAGES: { path: string; method: string; weight: number; headers?: Record<string, string> }[] = [
  { path: "/", method: "GET", weight: 50 },
  { path: "/deals", method: "GET", weight: 10 },
  { path: "/static/app.js", method: "GET", weight: 20 },
  { path: "/buy", method: "GET", weight: 15 },
  { path: "/", method: "GET", weight: 5, headers: { "x-canary": "always" } },
];

function pickPage(): (typeof PAGES)[number] {
  let sample = Math.random() * 100;
  for (const page of PAGES) {
    if ((sample -= page.weight) < 0) return page;
  }
  return PAGES[0]!;
}

function send(sidecar: TrafficOptions["sidecar"], page: (typeof PAGES)[number]): Promise<number> {
  return new Promise((resolve) => {
    const req = request({ host: sidecar.host, port: sidecar.port, path: page.path, method: page.method, headers: { host: "frontend", ...page.headers }, timeout: 10_000 }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve(0));
    req.end();
  });
}

/** Starts sending; returns live stats and a stop function. Stops by itself after durationMs. */
export function startTraffic(options: TrafficOptions): { stats: TrafficStats; stop(): Promise<void>; done: Promise<void> } {
  const stats: TrafficStats = { sent: 0, byStatus: {}, byPage: {} };
  const inFlight = new Set<Promise<unknown>>();
  const started = Date.now();
  let resolveDone!: () => void;
  const done = new Promise<void>((resolve) => { resolveDone = resolve; });
  const timer = setInterval(() => {
    if (Date.now() - started >= options.durationMs) return void stop();
    const page = pickPage();
    stats.sent++;
    stats.byPage[page.path] = (stats.byPage[page.path] ?? 0) + 1;
    const pending = send(options.sidecar, page).then((status) => {
      stats.byStatus[status] = (stats.byStatus[status] ?? 0) + 1;
    });
    inFlight.add(pending);
    void pending.finally(() => inFlight.delete(pending));
  }, 1000 / options.ratePerSecond);
  let stopping: Promise<void> | undefined;
  function stop(): Promise<void> {
    clearInterval(timer);
    stopping ??= Promise.all(inFlight).then(() => resolveDone());
    return stopping;
  }
  return { stats, stop, done };
}
