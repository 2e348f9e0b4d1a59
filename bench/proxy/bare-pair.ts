// The floor under mtls-pair.ts: the same sidecar pair's shape (caller proxy → callee proxy → app answering
// 1 kB, all in one process) built of bare Node.js proxies (bare-forward.ts), with the middle hop in TLS 1.3
// with client certificates (ECDSA P-256, as typemesh's), or in plaintext (--plaintext). What mTLS costs this
// pair is what it costs any Node.js proxy pair, before typemesh does anything. Prints {"outbound", "app"}.
import { createServer as createHttpServer, type Server } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { createSecureContext } from "node:tls";
import type { AddressInfo } from "node:net";
import { Pool } from "undici";
import { generateKeyPair, privateKeyPem, SIGNING_ALGORITHM, x509 } from "../../src/runtime/identity/x509.ts";
import { bareForward } from "./bare-forward.ts";

const mtls = !process.argv.includes("--plaintext");
const body = Buffer.alloc(1024, "x");
const listen = (server: Server) => new Promise<number>((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)));

const appPort = await listen(createHttpServer((req, res) => {
  req.resume();
  req.on("end", () => res.writeHead(200, { "content-type": "text/plain", "content-length": body.length }).end(body));
}));

// One self-signed certificate that both proxies present and trust: the handshake's work is a workload
// certificate's (verify a P-256 chain of one, sign), and the connections are kept alive either way.
const keys = await generateKeyPair();
const certificate = await x509.X509CertificateGenerator.createSelfSigned({
  serialNumber: "01", name: "O=typemesh-bench", notBefore: new Date(Date.now() - 60_000), notAfter: new Date(Date.now() + 24 * 3600_000),
  keys, signingAlgorithm: SIGNING_ALGORITHM,
  extensions: [new x509.SubjectAlternativeNameExtension([{ type: "url", value: "spiffe://bench/ns/bench/sa/callee" }], true)],
});
const tls = { key: await privateKeyPem(keys.privateKey), cert: certificate.toString("pem"), ca: certificate.toString("pem"), minVersion: "TLSv1.3" as const };

// Keep-alive as long as typemesh's (pools 30 s, listeners 60 s): bench/proxy/mtls.ts leaves a pair idle
// while it measures the others, and reconnecting would be measured as TLS's cost.
const pool = (origin: string, options: Pool.Options = {}) => new Pool(origin, { connections: 64, pipelining: 1, keepAliveTimeout: 30_000, ...options });
const serve = <S extends Server>(server: S) => Object.assign(server, { keepAliveTimeout: 60_000 });
const toApp = pool(`http://127.0.0.1:${appPort}`);
const callee = serve(mtls ? createHttpsServer({ ...tls, requestCert: true, rejectUnauthorized: true }, bareForward(toApp)) : createHttpServer(bareForward(toApp)));
const calleePort = await listen(callee);
const toCallee = pool(`${mtls ? "https" : "http"}://127.0.0.1:${calleePort}`, {
  // One secure context for every connection, as typemesh's (not one built from the PEMs per connection).
  // The peer is checked against the trust anchor, not a hostname (typemesh checks its SPIFFE ID instead).
  ...(mtls && { connect: { secureContext: createSecureContext(tls), minVersion: "TLSv1.3", rejectUnauthorized: true, checkServerIdentity: () => undefined, maxCachedSessions: 0 } }),
});
const outbound = await listen(serve(createHttpServer(bareForward(toCallee))));
process.stdout.write(`${JSON.stringify({ outbound, app: appPort, mtls })}\n`);
process.on("SIGTERM", () => process.exit(0));
