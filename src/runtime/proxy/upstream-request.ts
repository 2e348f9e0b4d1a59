// One request to an upstream over its keep-alive pool, answered when the response headers arrive,
// with the body following as a ResponseBody (response-body.ts). Built on undici's dispatch(), the
// pool's handler-level API, rather than request(), which wraps every body in a stream.Readable.
// The cancel signal aborts the request at any point: queued, waiting for headers, or streaming.
import { util, type Dispatcher } from "undici";
import type { Readable } from "node:stream";
import type { CancelSignal } from "./layers/cancellation.ts";
import type { Headers } from "./layers/types.ts";
import { ResponseBody, type BodySource } from "./response-body.ts";

export interface UpstreamRequest {
  method: string;
  path: string;
  headers: Headers;
  body: Readable | null;
}

export interface UpstreamAnswer {
  status: number;
  headers: Headers;
  body: ResponseBody;
}

/**
 * One request's dispatch handler, and the source its body steers (pause, resume, abort). One object with
 * its methods on the prototype: a handler of closures made six functions and two objects per request.
 */
class Exchange implements Dispatcher.DispatchHandler, BodySource {
  private abortRequest: ((reason: Error) => void) | undefined;
  private resumeReading: (() => void) | undefined;
  private body: ResponseBody | undefined;
  /** The signal's listener: aborts the request at any point. */
  readonly cancel = () => this.abortRequest?.(this.signal.reason as Error);

  constructor(
    private readonly signal: CancelSignal,
    private readonly resolve: (answer: UpstreamAnswer) => void,
    private readonly reject: (error: Error) => void,
  ) {
    signal.addEventListener("abort", this.cancel, { once: true });
  }

  onConnect(abortRequest: (reason: Error) => void): void {
    // Aborted while queued for a connection: the pool gives us the means only now.
    if (this.signal.aborted) return abortRequest(this.signal.reason as Error);
    this.abortRequest = abortRequest;
  }

  onHeaders(status: number, rawHeaders: Buffer[], resume: () => void): boolean {
    if (status < 200) return true; // 1xx informational: the final answer follows
    this.resumeReading = resume;
    const body = (this.body = new ResponseBody(this));
    this.resolve({ status, headers: util.parseHeaders(rawHeaders) as Headers, body });
    return true;
  }

  onData(chunk: Buffer): boolean {
    return this.body!.push(chunk);
  }

  onComplete(): void {
    this.signal.removeEventListener("abort", this.cancel);
    this.body!.end();
  }

  onError(error: Error): void {
    this.signal.removeEventListener("abort", this.cancel);
    if (this.body) this.body.fail(error);
    else this.reject(error);
  }

  resume(): void {
    this.resumeReading?.();
  }

  abort(reason: Error): void {
    this.abortRequest?.(reason);
  }
}

export function requestUpstream(pool: Dispatcher, request: UpstreamRequest, signal: CancelSignal): Promise<UpstreamAnswer> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    pool.dispatch({ method: request.method as Dispatcher.HttpMethod, path: request.path, headers: request.headers, body: request.body },
      new Exchange(signal, resolve, reject) as Dispatcher.DispatchHandler);
  });
}
