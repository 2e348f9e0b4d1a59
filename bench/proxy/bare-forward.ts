// The least a Node.js HTTP proxy does per request: hand it to one undici keep-alive pool with dispatch()
// and stream the answer back, with backpressure, and give the upstream request up when the client goes
// away (without that, a response paused for a client that left holds its pool connection for good, and
// a load generator that stops mid-request strands connections until the pool runs dry); no routing,
// policy, metrics or timeouts. The floor under typemesh's listeners in bench/proxy (bare-proxy.ts) and
// bench/proxy/mtls.ts (bare-pair.ts).
import type { IncomingMessage, ServerResponse } from "node:http";
import { util, type Dispatcher } from "undici";

export function bareForward(pool: Dispatcher): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    let resume: (() => void) | undefined;
    let abort: ((reason?: Error) => void) | undefined;
    res.once("close", () => {
      if (!res.writableFinished) abort?.(new Error("the client went away"));
    });
    const handler: Dispatcher.DispatchHandler = {
      onConnect(abortRequest) {
        abort = abortRequest;
      },
      onHeaders(status, rawHeaders, resumeReading) {
        resume = resumeReading;
        res.writeHead(status, util.parseHeaders(rawHeaders as unknown as Buffer[]) as Record<string, string>);
        return true;
      },
      onData(chunk) {
        if (res.write(chunk)) return true;
        res.once("drain", () => resume?.()); // backpressure: the pool stops reading until the client drains
        return false;
      },
      onComplete() {
        res.end();
      },
      onError() {
        if (res.headersSent) res.destroy();
        else res.writeHead(502).end();
      },
    };
    pool.dispatch({ method: "GET", path: req.url ?? "/", headers: { host: "upstream" } }, handler);
  };
}
