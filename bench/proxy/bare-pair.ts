// The floor under mtls-pair.ts: the same sidecar pair's shape (caller proxy → callee proxy → app answering
// 1 kB, all in one process) built of bare Node.js proxies (bare-forward.ts), with the middle hop in TLS 1.3
// with client certificates (ECDSA P-256, as typemesh's), or in plaintext (--plaintext). What mTLS costs this
// pair is what it costs any Node.js proxy pair, before typemesh does anything. Prints {"outbound", "app"}.
import { createServer as createHttpServer, type Server } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { Pool } from "undici";
import { bareForward } from "./bare-forward.ts";
import { benchTls, clientConnect, serverTls } from "./bench-tls.ts";

const mtls = !process.argv.includes("--plaintext");
const body = Buffer.alloc(1024, "x");
const listen = (server: Server) => new Promise<number>((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)));

const appPort = await listen(createHttpServer((req, res) => {
  req.resume();
  req.on("end", () => res.writeHead(200, { "content-type": "text/plain", "content-length": body.length }).end(body));
}));

const tls = await benchTls();

// Keep-alive as long as typemesh's (pools 30 s, listeners 60 s): bench/proxy/mtls.ts leaves a pair idle
// while it measures the others, and reconnecting would be measured as TLS's cost.
const pool = (origin: string, options: Pool.Options = {}) => new Pool(origin, { connections: 64, pipelining: 1, keepAliveTimeout: 30_000, ...options });
const serve = <S extends Server>(server: S) => Object.assign(server, { keepAliveTimeout: 60_000 });
const toApp = pool(`http://127.0.0.1:${appPort}`);
const callee = serve(mtls ? createHttpsServer(serverTls(tls), bareForward(toApp)) : createHttpServer(bareForward(toApp)));
const calleePort = await listen(callee);
const toCallee = pool(`${mtls ? "https" : "http"}://127.0.0.1:${calleePort}`, mtls ? { connect: clientConnect(tls) } : {});
const outbound = await listen(serve(createHttpServer(bareForward(toCallee))));
process.stdout.write(`${JSON.stringify({ outbound, app: appPort, mtls })}\n`);
process.on("SIGTERM", () => process.exit(0));
