// Talking to the control plane: JSON calls with the admin token as a Bearer header, and the live feed
// (GET /api/events, server-sent events) read through fetch so the token never goes into a URL. The feed
// reconnects with backoff and reports whether the control plane can be reached.
import type { LiveState } from "../live-state.ts";

export class Unauthorized extends Error {}
export class Unreachable extends Error {}

export class ApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export async function call<T>(token: string, method: string, path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { "content-type": "application/json" }) },
      ...(body !== undefined && { body: JSON.stringify(body) }),
      cache: "no-store",
    });
  } catch (error) {
    throw new Unreachable((error as Error).message);
  }
  if (res.status === 401) throw new Unauthorized("the control plane refused the admin token");
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    throw new ApiError(res.status, `the control plane answered ${res.status} with something that is not JSON`);
  }
  if (!res.ok) throw new ApiError(res.status, (parsed as { error?: string } | undefined)?.error ?? `HTTP ${res.status}`);
  return parsed as T;
}

export type FeedStatus =
  | { kind: "connecting" }
  | { kind: "live" }
  | { kind: "unreachable"; error: string; retryAt: number }
  | { kind: "unauthorized" };

export interface FeedHandlers {
  state(state: LiveState): void;
  status(status: FeedStatus): void;
}

/** No state and no keep-alive for this long: the connection is treated as dead (server sends every 5 s). */
const WATCHDOG_MS = 15_000;

export class LiveFeed {
  private abort: AbortController | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private failures = 0;
  private stopped = false;

  constructor(private readonly token: string, private readonly handlers: FeedHandlers) {}

  start(): void {
    this.stopped = false;
    void this.connect();
  }

  /** Reconnects now instead of waiting out the backoff. */
  retryNow(): void {
    clearTimeout(this.retryTimer);
    this.abort?.abort();
    void this.connect();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.abort?.abort();
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const abort = new AbortController();
    this.abort = abort;
    this.handlers.status({ kind: "connecting" });
    let watchdog: ReturnType<typeof setTimeout> | undefined;
    const pet = () => {
      clearTimeout(watchdog);
      watchdog = setTimeout(() => abort.abort(new Error("no word from the control plane for 15 s")), WATCHDOG_MS);
    };
    try {
      pet();
      const res = await fetch("/api/events", { headers: { authorization: `Bearer ${this.token}`, accept: "text/event-stream" }, cache: "no-store", signal: abort.signal });
      if (res.status === 401) {
        clearTimeout(watchdog);
        this.handlers.status({ kind: "unauthorized" });
        return;
      }
      if (!res.ok || !res.body) throw new Error(`the live feed answered HTTP ${res.status}`);
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = "";
      let live = false;
      for (;;) {
        const { value, done } = await reader.read();
        if (done) throw new Error("the control plane closed the live feed");
        pet();
        buffer += value;
        let end: number;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = frame.split("\n").filter((l) => l.startsWith("data:")).map((l) => l.slice(5).trimStart()).join("\n");
          if (!/^event: ?state$/m.test(frame) || !data) continue;
          if (!live) {
            live = true;
            this.failures = 0;
            this.handlers.status({ kind: "live" });
          }
          this.handlers.state(JSON.parse(data) as LiveState);
        }
      }
    } catch (error) {
      clearTimeout(watchdog);
      if (this.stopped || (abort.signal.aborted && this.abort !== abort)) return;
      const reason = abort.signal.reason instanceof Error ? abort.signal.reason.message : (error as Error).message;
      const delay = Math.min(10_000, 1000 * 2 ** this.failures++);
      this.handlers.status({ kind: "unreachable", error: reason, retryAt: Date.now() + delay });
      this.retryTimer = setTimeout(() => void this.connect(), delay);
    }
  }
}
