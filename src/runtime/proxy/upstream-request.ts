// One request to an upstream over its keep-alive pool, answered when the response headers arrive,
// with the body following as a ResponseBody (response-body.ts). Built on undici's dispatch(), the
// pool's handler-level API, rather than request(), which wraps every body in a stream.Readable.
// The cancel signal aborts the request at any point: queued, waiting for headers, or streaming.
import { util, type Dispatcher } from "undici";
import type { Readable } from "node:stream";
import type { CancelSignal } from "./layers/cancellation.ts";
import type { Headers } from "./layers/types.ts";
import { ResponseBody } from "./response-body.ts";

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

export function requestUpstream(pool: Dispatcher, request: UpstreamRequest, signal: CancelSignal): Promise<UpstreamAnswer> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    let abort: ((reason: Error) => void) | undefined;
    let body: ResponseBody | undefined;
    const cancel = () => abort?.(signal.reason as Error);
    signal.addEventListener("abort", cancel, { once: true });
    const handler: Dispatcher.DispatchHandler = {
      onConnect(abortRequest) {
        // Aborted while queued for a connection: the pool gives us the means only now.
        if (signal.aborted) return abortRequest(signal.reason as Error);
        abort = abortRequest;
      },
      onHeaders(status, rawHeaders, resume) {
        if (status < 200) return true; // 1xx informational: the final answer follows
        body = new ResponseBody({ resume, abort: (reason) => abort?.(reason) });
        resolve({ status, headers: util.parseHeaders(rawHeaders as unknown as Buffer[]) as Headers, body });
        return true;
      },
      onData(chunk) {
        return body!.push(chunk);
      },
      onComplete() {
        signal.removeEventListener("abort", cancel);
        body!.end();
      },
      onError(error) {
        signal.removeEventListener("abort", cancel);
        if (body) body.fail(error);
        else reject(error);
      },
    };
    pool.dispatch({ method: request.method as Dispatcher.HttpMethod, path: request.path, headers: request.headers, body: request.body }, handler);
  });
}
