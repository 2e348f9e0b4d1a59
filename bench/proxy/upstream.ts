// The benchmark's upstream: a keep-alive HTTP server answering every request with the same 1 kB body
// (Istio's benchmarks use 1 kB too), doing nothing else, so that what differs between the rows of the
// benchmark is only what sits in front of it. Run as its own process; prints its port.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

const body = Buffer.alloc(1024, "x");
const server = createServer((req, res) => {
  req.resume();
  req.on("end", () => {
    res.writeHead(200, { "content-type": "text/plain", "content-length": body.length });
    res.end(body);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.argv[2] ?? 0), "127.0.0.1", () => {
  process.stdout.write(`upstream listening on ${(server.address() as AddressInfo).port}\n`);
});
process.once("SIGTERM", () => process.exit(0));
