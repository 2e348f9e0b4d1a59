// A request body that can be sent more than once, within a bound. Bodies are streamed, never buffered
// whole: the first try streams the body through while keeping a copy of what passed, up to `limit`
// bytes (64 KiB by default). A later try gets the copy followed by whatever the client has not sent
// yet. Once more than `limit` bytes have passed, the copy is dropped and the body can no longer be
// replayed: the try that is streaming it is the last one. A client error ends replay as well.
import { PassThrough, type Readable } from "node:stream";

export const REPLAY_LIMIT_BYTES = 64 * 1024;

export class ReplayableBody {
  private readonly copy: Buffer[] = [];
  private copied = 0;
  private overflowed = false;
  private failed: Error | undefined;
  private ended = false;
  private current: PassThrough | undefined;
  private started = false;

  constructor(private readonly source: Readable, private readonly limit = REPLAY_LIMIT_BYTES) {
    // A client request (IncomingMessage) says its length up front.
    const declared = Number((source as { headers?: Record<string, unknown> }).headers?.["content-length"] ?? 0);
    if (declared > limit) this.overflowed = true; // known too large: do not even start a copy
  }

  /** False once a further try could not get the whole body. */
  get replayable(): boolean {
    return !this.overflowed && !this.failed;
  }

  /** The body for the next try, or undefined when it cannot be replayed. */
  next(): Readable | undefined {
    if (!this.started) {
      this.started = true;
      this.current = new PassThrough();
      this.listen();
      return this.current;
    }
    if (!this.replayable) return undefined;
    const previous = this.current;
    const stream = new PassThrough();
    this.current = stream;
    if (previous && !previous.destroyed) previous.destroy();
    for (const chunk of this.copy) stream.write(chunk);
    if (this.ended) stream.end();
    else this.source.resume();
    return stream;
  }

  private listen(): void {
    const source = this.source;
    source.on("data", (chunk: Buffer) => {
      if (!this.overflowed) {
        this.copied += chunk.length;
        if (this.copied > this.limit) {
          this.overflowed = true;
          this.copy.length = 0;
        } else {
          this.copy.push(chunk);
        }
      }
      const target = this.current;
      if (!target || target.destroyed) {
        source.pause(); // the try that read this is gone; the next one resumes from the copy
        return;
      }
      if (!target.write(chunk)) {
        source.pause();
        target.once("drain", () => { if (this.current === target) source.resume(); });
      }
    });
    source.once("end", () => {
      this.ended = true;
      this.current?.end();
    });
    source.once("error", (error) => {
      this.failed = error;
      this.current?.destroy(error);
    });
  }
}
