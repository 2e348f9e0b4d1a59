// Cancellation shared by the resilience layers: a child abort signal that follows its parent (a
// per-try deadline inside the request's), sleeps that end early on abort, and the error a deadline
// aborts with. Letting go of a response nobody will read is ResponseBody.discard (response-body.ts).

/** The reason a timeout layer aborts with; the outlier layer counts it as the endpoint's failure. */
export class DeadlineExceeded extends Error {
  constructor(readonly scope: "request" | "per-try", readonly afterMs: number) {
    super(`${scope === "request" ? "request" : "per-try"} timeout of ${afterMs} ms exceeded`);
    this.name = "DeadlineExceeded";
  }
}

/** What the layers (and undici's pool) use of an abort signal. An AbortSignal has it; so does Cancellation. */
export interface CancelSignal {
  readonly aborted: boolean;
  readonly reason: unknown;
  addEventListener(type: "abort", listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: "abort", listener: () => void): void;
}

/**
 * A cancellation that is its own signal. Every request needs one (the client may go away) and every
 * timeout layer another; an AbortController builds an EventTarget, and its AbortSignal on first read,
 * which cost a proxy about 20 µs of CPU per request. This is a flag, a reason and a short list.
 * Listeners run once each, in the order added, when it aborts; a listener added after that never runs
 * (as with AbortSignal). undici's pool accepts it as a request's signal: it only reads `aborted` and
 * `reason` and calls add/removeEventListener (undici/lib/api/abort-signal.js).
 */
export class Cancellation implements CancelSignal {
  aborted = false;
  reason: unknown = undefined;
  private listeners: (() => void)[] | undefined;

  get signal(): CancelSignal {
    return this;
  }

  addEventListener(_type: "abort", listener: () => void): void {
    if (this.aborted) return;
    // A literal of one rather than a push onto []: V8 gives a pushed-onto empty array room for 16 more
    // (about 190 bytes against 64), and most cancellations have one listener or two.
    if (this.listeners) this.listeners.push(listener);
    else this.listeners = [listener];
  }

  removeEventListener(_type: "abort", listener: () => void): void {
    const listeners = this.listeners;
    const at = listeners ? listeners.indexOf(listener) : -1;
    // Most often the one added last (a layer's own, on its way out): pop, not splice.
    if (at >= 0 && at === listeners!.length - 1) listeners!.pop();
    else if (at >= 0) listeners!.splice(at, 1);
  }

  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    const listeners = this.listeners;
    this.listeners = undefined;
    if (!listeners) return;
    // Every listener runs even if one throws; the first error is rethrown afterwards.
    let failure: { error: unknown } | undefined;
    for (const listener of listeners) {
      try {
        listener();
      } catch (error) {
        failure ??= { error };
      }
    }
    if (failure) throw failure.error;
  }
}

export interface LinkedAbort {
  signal: CancelSignal;
  abort(reason: unknown): void;
  /** Stops following the parent; call once the child's work is over. */
  dispose(): void;
}

/** A cancellation that follows a parent: one object and one listener, where a timeout layer needs one per request. */
class LinkedCancellation extends Cancellation implements LinkedAbort {
  private readonly follow = () => this.abort(this.parent.reason);

  constructor(private readonly parent: CancelSignal) {
    super();
    parent.addEventListener("abort", this.follow, { once: true });
  }

  dispose(): void {
    this.parent.removeEventListener("abort", this.follow);
  }
}

/**
 * A cancellation aborted with the parent's reason when the parent aborts. Unlike AbortSignal.any, it
 * detaches when disposed, so a long-lived parent does not collect listeners.
 */
export function linkedAbort(parent: CancelSignal): LinkedAbort {
  if (parent.aborted) {
    const child = new Cancellation();
    child.abort(parent.reason);
    return { signal: child, abort: () => {}, dispose: () => {} };
  }
  return new LinkedCancellation(parent);
}

/** Resolves after ms, or early (false) once the signal aborts. */
export function sleep(ms: number, signal: CancelSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  if (ms <= 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = () => { clearTimeout(timer); resolve(false); };
    const timer = setTimeout(() => { signal.removeEventListener("abort", done); resolve(true); }, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}

