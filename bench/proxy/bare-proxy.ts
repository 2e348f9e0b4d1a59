// A reference row for bench/proxy: the least a Node.js HTTP proxy does (node:http in, one undici keep-alive
// pool out, the response streamed back: bare-forward.ts), with no routing, policy, metrics or cancellation.
// What typemesh's proxy measures against it is the cost of being a mesh proxy; what it measures against
// HAProxy also includes Node's HTTP stack. It uses undici's dispatch(), as typemesh's listener does, not
// request(), whose stream.Readable per response costs about a fifth more CPU (bench/RESULTS.md, Proxy):
// the floor, not a slower neighbour. Run as its own process: bare-proxy.ts <upstream port>; prints its port.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Pool } from "undici";
import { bareForward } from "./bare-forward.ts";

// Connections kept alive as long as typemesh's pools keep theirs (30 s): run.ts leaves a row idle while it
// measures the others, and reconnecting would be counted against the floor.
const pool = new Pool(`http://127.0.0.1:${process.argv[2]}`, { connections: 64, pipelining: 1, keepAliveTimeout: 30_000 });
const server = createServer(bareForward(pool));
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => process.stdout.write(`bare proxy listening on ${(server.address() as AddressInfo).port}\n`));
process.once("SIGTERM", () => process.exit(0));
