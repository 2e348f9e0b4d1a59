// A reference row for bench/proxy: the least a Node.js HTTP proxy does (node:http in, one undici keep-alive
// pool out, the response streamed back: bare-forward.ts), with no routing, policy, metrics or cancellation.
// What typemesh's proxy measures against it is the cost of being a mesh proxy; what it measures against
// HAProxy also includes Node's HTTP stack. It uses undici's dispatch(), as typemesh's listener does, not
// request(), whose stream.Readable per response costs about a fifth more CPU (bench/RESULTS.md, Proxy):
// the floor, not a slower neighbour. Two of them in a row are the floor under the sidecar pair; with
// --tls (a JSON file of bench-tls.ts's material), the first connects to the second in TLS 1.3 with a client
// certificate (--tls-upstream) and the second takes it (--tls-listen), as a typemesh pair's mTLS hop does.
//
//   bare-proxy.ts <upstream port> [--tls FILE (--tls-listen | --tls-upstream)]   prints its port
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { parseArgs } from "node:util";
import { Pool } from "undici";
import { bareForward } from "./bare-forward.ts";
import { clientConnect, serverTls, type BenchTls } from "./bench-tls.ts";

const { values: options, positionals } = parseArgs({
  allowPositionals: true,
  options: { tls: { type: "string" }, "tls-listen": { type: "boolean" }, "tls-upstream": { type: "boolean" } },
});
if (options.tls !== undefined && options["tls-listen"] === options["tls-upstream"]) {
  throw new Error("bare-proxy.ts: --tls needs exactly one of --tls-listen (this proxy takes TLS) and --tls-upstream (it connects in TLS)");
}
const tls = options.tls === undefined ? undefined : (JSON.parse(readFileSync(options.tls, "utf8")) as BenchTls);
const upstreamTls = tls && options["tls-upstream"];
// Connections kept alive as long as typemesh's pools keep theirs (30 s): run.ts leaves a row idle while it
// measures the others, and reconnecting would be counted against the floor.
const pool = new Pool(`${upstreamTls ? "https" : "http"}://127.0.0.1:${positionals[0]}`, {
  connections: 64, pipelining: 1, keepAliveTimeout: 30_000, ...(upstreamTls && { connect: clientConnect(tls) }),
});
const forward = bareForward(pool);
const server = tls && options["tls-listen"] ? createHttpsServer(serverTls(tls), forward) : createServer(forward);
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => process.stdout.write(`bare proxy listening on ${(server.address() as AddressInfo).port}\n`));
process.once("SIGTERM", () => process.exit(0));
