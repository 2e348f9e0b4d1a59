// A reference row for bench/proxy: the least a Node.js HTTP proxy does (node:http in, one undici keep-alive
// pool out, the response streamed back), with no routing, policy, metrics or cancellation. What typemesh's
// proxy measures against it is the cost of being a mesh proxy; what it measures against HAProxy also
// includes Node's HTTP stack. It uses undici's dispatch(), as typemesh's listener does, not request(),
// whose stream.Readable per response costs about a fifth more CPU (bench/RESULTS.md, Proxy): the floor,
// not a slower neighbour. Run as its own process: bare-proxy.ts <upstream port>; prints its port.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Pool, util, type Dispatcher } from "undici";

const pool = new Pool(`http://127.0.0.1:${process.argv[2]}`, { connections: 64, pipelining: 1 });
const server = createServer((req, res) => {
  let resume: (() => void) | undefined;
  const handler: Dispatcher.DispatchHandler = {
    onConnect() {},
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
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => process.stdout.write(`bare proxy listening on ${(server.address() as AddressInfo).port}\n`));
process.once("SIGTERM", () => process.exit(0));
