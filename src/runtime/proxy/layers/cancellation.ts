// Cancellation shared by the resilience layers: a child abort signal that follows its parent (a
// per-try deadline inside the request's), sleeps that end early on abort, the error a deadline aborts
// with, and letting go of a response nobody will read without leaking its connection.
import type { Readable } from "node:stream";

/** The reason a timeout layer aborts with; the outlier layer counts it as the endpoint's failure. */
export class DeadlineExceeded extends Error {
  constructor(readonly scope: "request" | "per-try", readonly afterMs: number) {
    super(`${scope === "request" ? "request" : "per-try"} timeout of ${afterMs} ms exceeded`);
    this.name = "DeadlineExceeded";
  }
}

export interface LinkedAbort {
  signal: AbortSignal;
  abort(reason: unknown): void;
  /** Stops following the parent; call once the child's work is over. */
  dispose(): void;
}

/**
 * A controller aborted with the parent's reason when the parent aborts. Cheaper than AbortSignal.any
 * and, unlike it, detaches when disposed, so a long-lived parent does not collect listeners.
 */
export function linkedAbort(parent: AbortSignal): LinkedAbort {
  const controller = new AbortController();
  if (parent.aborted) {
    controller.abort(parent.reason);
    return { signal: controller.signal, abort: () => {}, dispose: () => {} };
  }
  const follow = () => controller.abort(parent.reason);
  parent.addEventListener("abort", follow, { once: true });
  return {
    signal: controller.signal,
    abort: (reason) => controller.abort(reason),
    dispose: () => parent.removeEventListener("abort", follow),
  };
}

/** Resolves after ms, or early (false) once the signal aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  if (ms <= 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = () => { clearTimeout(timer); resolve(false); };
    const timer = setTimeout(() => { signal.removeEventListener("abort", done); resolve(true); }, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}

/**
 * Reads and drops a response body nobody will forward (a retried attempt, a mirror's answer) so the
 * keep-alive connection returns to its pool; a body larger than the limit closes the connection.
 */
export function discardBody(body: Readable | null | undefined, limit = 64 * 1024): void {
  if (!body || body.destroyed) return;
  const dump = (body as Readable & { dump?: (options: { limit: number }) => Promise<void> }).dump;
  if (typeof dump === "function") {
    dump.call(body, { limit }).catch(() => {});
    return;
  }
  body.on("error", () => {});
  body.resume();
}

/** Runs once the body has been read or dropped (at once when there is none). */
export function whenBodyDone(body: Readable | null | undefined, done: () => void): void {
  if (!body || body.destroyed) {
    done();
    return;
  }
  body.once("close", done);
}
