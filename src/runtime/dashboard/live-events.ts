// GET /api/events: the dashboard's live feed as server-sent events. One timer computes the state once per
// tick for every open page and sends it only when it changed; a comment line keeps idle connections (and
// the page's watchdog) alive. A page that cannot keep up is skipped until its socket drains: the next
// state supersedes the ones it missed, so a slow page never makes the control plane buffer.
import type { ServerResponse } from "node:http";
import { liveState, type DashboardSource } from "./live-state.ts";

export interface LiveEventsOptions {
  /** How often the state is computed (default 2 s: the proxies report traffic every 2 s). */
  tickMs?: number;
  /** How often an unchanged feed sends a keep-alive comment (default 5 s). */
  heartbeatMs?: number;
  /** Traffic window of the figures (default 30 s). */
  windowSeconds?: number;
  /** Open feeds beyond this are refused with 503 (default 64). */
  maxClients?: number;
}

interface Client {
  res: ServerResponse;
  lastSentAt: number;
  /** Its socket's buffer is full: nothing is written until it drains. */
  blocked: boolean;
  /** A state was skipped while blocked: the newest is sent on drain. */
  missed: boolean;
}

export class LiveEvents {
  private readonly clients = new Set<Client>();
  private timer: NodeJS.Timeout | undefined;
  private lastJson = "";
  /** The last state without its timestamp: what "changed" compares. */
  private lastKey = "";
  private readonly tickMs: number;
  private readonly heartbeatMs: number;
  private readonly windowSeconds: number;
  private readonly maxClients: number;

  constructor(private readonly source: DashboardSource, options: LiveEventsOptions = {}) {
    this.tickMs = options.tickMs ?? 2000;
    this.heartbeatMs = options.heartbeatMs ?? 5000;
    this.windowSeconds = options.windowSeconds ?? 30;
    this.maxClients = options.maxClients ?? 64;
  }

  get size(): number {
    return this.clients.size;
  }

  /** Takes over the response as an event stream; false (and a 503) when too many are open. */
  subscribe(res: ServerResponse): boolean {
    if (this.clients.size >= this.maxClients) {
      res.writeHead(503, { "content-type": "application/json", "retry-after": "10" });
      res.end(`${JSON.stringify({ error: `over ${this.maxClients} open dashboard feeds` })}\n`);
      return false;
    }
    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-store",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    });
    const client: Client = { res, lastSentAt: 0, blocked: false, missed: false };
    this.clients.add(client);
    res.on("close", () => {
      this.clients.delete(client);
      if (this.clients.size === 0) this.stop();
    });
    res.on("drain", () => {
      client.blocked = false;
      if (client.missed) this.write(client, `event: state\ndata: ${this.lastJson}\n\n`);
    });
    // A new page gets the state at once, computed fresh so it never waits a tick; pages already open
    // get it too if it changed, or they would miss it until the next change.
    const changed = this.compute(Date.now());
    this.write(client, `retry: 2000\nevent: state\ndata: ${this.lastJson}\n\n`);
    if (changed) for (const other of this.clients) if (other !== client) this.write(other, `event: state\ndata: ${this.lastJson}\n\n`);
    this.start();
    return true;
  }

  private start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.tick(), this.tickMs);
    this.timer.unref();
  }

  private stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Computes the state once and sends it to every page that has not seen it. */
  tick(now = Date.now()): void {
    const changed = this.compute(now);
    for (const client of this.clients) {
      if (changed) this.write(client, `event: state\ndata: ${this.lastJson}\n\n`);
      else if (now - client.lastSentAt >= this.heartbeatMs) this.write(client, `: alive ${now}\n\n`);
    }
  }

  /** Computes the state; true when it differs from the last one in more than its timestamp. */
  private compute(now: number): boolean {
    const { at, ...rest } = liveState(this.source, this.windowSeconds, now);
    const key = JSON.stringify(rest);
    const changed = key !== this.lastKey;
    this.lastKey = key;
    this.lastJson = `{"at":${at},${key.slice(1)}`;
    return changed;
  }

  private write(client: Client, text: string): void {
    const isState = text.includes("event: state");
    if (client.blocked) {
      if (isState) client.missed = true;
      return;
    }
    client.lastSentAt = Date.now();
    if (isState) client.missed = false;
    if (!client.res.write(text)) client.blocked = true;
  }

  close(): void {
    this.stop();
    for (const client of this.clients) client.res.end();
    this.clients.clear();
  }
}
