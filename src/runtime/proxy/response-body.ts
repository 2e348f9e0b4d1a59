// A response body as the upstream pool hands it over, chunk by chunk, until one consumer takes it:
// the listener that writes it to the client (pipe), or a layer that lets it go (discard, destroy).
//
// Why not a stream.Readable, as undici's request() gives: a proxy reads each body exactly once, into
// one ServerResponse. A Readable per response, piped, cost the proxy about a fifth of its CPU per
// request (its construction, the pipe's listeners, end-of-stream ticks); undici's dispatch() with a
// handler feeding this object does the same job (bench/RESULTS.md, "Proxy"). Backpressure is kept:
// while nobody consumes, at most BUFFER_LIMIT bytes wait here, and then the pool stops reading the
// socket; once piped, a client that does not drain pauses the upstream the same way.

/** Where a body is written: what this proxy uses of a ServerResponse. */
export interface BodySink {
  write(chunk: Buffer): boolean;
  end(chunk?: Buffer): unknown;
  destroy(error?: Error): unknown;
  once(event: "drain" | "close", listener: () => void): unknown;
  readonly writableFinished: boolean;
}

/** What the producer (the pool's dispatch handler, upstream-request.ts) is given to steer the upstream. */
export interface BodySource {
  /** Lets the pool read the socket again after push() answered false. */
  resume(): void;
  /** Aborts the upstream request: its connection is not reused. */
  abort(reason: Error): void;
}

const BUFFER_LIMIT = 64 * 1024;

/** Shared by every body holding no chunks; frozen, so that a push onto it would throw rather than leak. */
const NO_CHUNKS = Object.freeze([]) as unknown as Buffer[];

type State = "open" | "complete" | "failed" | "destroyed";

export class ResponseBody {
  private state: State = "open";
  private chunks: Buffer[] = NO_CHUNKS;
  private buffered = 0;
  private sink: BodySink | undefined;
  private taken = false;
  private discardLimit = -1;
  private paused = false;
  private listeners: (() => void)[] | undefined;
  private failure: Error | undefined;

  constructor(private readonly source?: BodySource) {}

  /** A body that is already whole (the proxy's own replies, tests). */
  static of(content: string | Buffer): ResponseBody {
    const body = new ResponseBody();
    body.push(typeof content === "string" ? Buffer.from(content) : content);
    body.end();
    return body;
  }

  /** True once the upstream sent it all, failed, or it was let go: nothing more will arrive. */
  get done(): boolean {
    return this.state !== "open";
  }

  /** Runs once, when the body is done (at once if it is). */
  onDone(listener: () => void): void {
    if (this.state !== "open") listener();
    else if (this.listeners) this.listeners.push(listener);
    else this.listeners = [listener]; // not a push onto []: see Cancellation.addEventListener
  }

  // ── producer side ──

  /** A chunk from upstream; false asks the producer to pause until source.resume(). */
  push(chunk: Buffer): boolean {
    if (this.state !== "open") return true;
    if (this.sink) {
      if (this.sink.write(chunk)) return true;
      this.paused = true;
      return false;
    }
    if (this.discardLimit >= 0) {
      this.buffered += chunk.length;
      if (this.buffered > this.discardLimit) this.destroy(new Error("discarded body exceeds its limit"));
      return true;
    }
    if (this.chunks.length === 0) this.chunks = [chunk]; // never a push onto NO_CHUNKS, and one chunk is most bodies (see onDone)
    else this.chunks.push(chunk);
    this.buffered += chunk.length;
    if (this.buffered <= BUFFER_LIMIT) return true;
    this.paused = true;
    return false;
  }

  end(): void {
    if (this.state !== "open") return;
    this.state = "complete";
    this.sink?.end();
    this.settle();
  }

  fail(error: Error): void {
    if (this.state !== "open") return;
    this.state = "failed";
    this.failure = error;
    this.chunks = NO_CHUNKS;
    // The client must not take a cut body for a whole one.
    this.sink?.destroy();
    this.settle();
  }

  // ── consumer side ──

  /** Lets the body go: the upstream request is aborted if it is still sending. */
  destroy(reason: Error = new Error("response body released unread")): void {
    if (this.state !== "open") return;
    this.state = "destroyed";
    this.failure = reason;
    this.chunks = NO_CHUNKS;
    this.source?.abort(reason);
    // Cut while streaming to the client (a deadline): the client must not take it for a whole body.
    this.sink?.destroy();
    this.settle();
  }

  /**
   * Reads and drops the body so the keep-alive connection goes back to its pool (a retried attempt,
   * a mirror's answer); a body larger than the limit is aborted instead, closing the connection.
   */
  discard(limit = 64 * 1024): void {
    if (this.state !== "open" || this.taken) return;
    this.discardLimit = limit;
    this.chunks = NO_CHUNKS;
    if (this.buffered > limit) return this.destroy(new Error("discarded body exceeds its limit"));
    this.unpause();
  }

  /**
   * Writes the body to the sink and ends it; onDone tells when it is over. A body that failed, or fails
   * while streaming, destroys the sink. A sink closed early (the client went away) lets the body go.
   * The listeners use this, with onDone, rather than pipeTo: no promise per response.
   */
  pipe(sink: BodySink): void {
    if (this.taken || this.discardLimit >= 0) throw new Error("a response body is read once");
    this.taken = true;
    if (this.state === "complete") {
      // Whole already (the common case for small answers): one end() sends headers and body together.
      const chunks = this.chunks;
      this.chunks = NO_CHUNKS;
      sink.end(chunks.length === 0 ? undefined : chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
      return;
    }
    if (this.state !== "open") {
      sink.destroy();
      return;
    }
    this.sink = sink;
    const chunks = this.chunks;
    this.chunks = NO_CHUNKS;
    let writable = true;
    for (const chunk of chunks) writable = sink.write(chunk);
    sink.once("drain", () => this.drained());
    sink.once("close", () => { if (!sink.writableFinished) this.destroy(new Error("the client closed the connection")); });
    if (writable) this.unpause();
    else this.paused = true;
  }

  /** pipe, resolved once the body is done. */
  pipeTo(sink: BodySink): Promise<void> {
    this.pipe(sink);
    return new Promise((resolve) => this.onDone(resolve));
  }

  /** The whole body as text (tests, small control answers). Rejects if it fails. */
  text(): Promise<string> {
    const parts: Buffer[] = [];
    const collector: BodySink = {
      write: (chunk) => { parts.push(chunk); return true; },
      end: (chunk) => { if (chunk) parts.push(chunk); },
      destroy: () => {},
      once: () => {},
      writableFinished: false,
    };
    return this.pipeTo(collector).then(() => {
      if (this.state !== "complete") throw this.failure ?? new Error("response body destroyed");
      return Buffer.concat(parts).toString();
    });
  }

  private drained(): void {
    if (this.state !== "open") return;
    this.sink?.once("drain", () => this.drained());
    this.unpause();
  }

  private unpause(): void {
    if (!this.paused) return;
    this.paused = false;
    this.source?.resume();
  }

  private settle(): void {
    const listeners = this.listeners;
    this.listeners = undefined;
    if (listeners) for (const listener of listeners) listener();
  }
}
