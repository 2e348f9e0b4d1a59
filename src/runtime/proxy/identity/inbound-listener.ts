// The inbound port speaks both mTLS and plaintext, told apart by the first byte (0x16 opens a TLS
// handshake), as Istio's permissive mode does. Whether plaintext is then served is the inbound
// handler's decision per request (strict refuses it), so a policy change also reaches open connections.
// Without mTLS material the TLS side has no certificate and every handshake fails.
import { createServer as createHttpServer, type IncomingMessage, type ServerOptions, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { createServer as createNetServer, type Server, type Socket } from "node:net";
import type { WorkloadIdentity } from "./workload-identity.ts";

const TLS_HANDSHAKE = 0x16;

export interface InboundListener {
  server: Server;
  close(): Promise<void>;
}

export function createInboundListener(
  options: ServerOptions,
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  identity: WorkloadIdentity,
): InboundListener {
  const plain = createHttpServer(options, handler);
  const secure = createHttpsServer({
    ...options, ...identity.serverOptions(), requestCert: true, rejectUnauthorized: true, minVersion: "TLSv1.3",
  }, handler);
  const unsubscribe = identity.onChange(() => {
    const tls = identity.serverOptions();
    // New handshakes use the new certificate and roots; established connections are left alone.
    if (tls) secure.setSecureContext(tls);
  });
  secure.on("tlsClientError", (_error, socket) => socket.destroy());
  const sockets = new Set<Socket>();
  // noDelay as node:http sets it for its own listeners: without it Nagle holds small responses ~40 ms.
  const server = createNetServer({ noDelay: true }, (socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
    socket.once("error", () => socket.destroy());
    socket.once("data", (first: Buffer) => {
      socket.pause();
      socket.unshift(first);
      (first[0] === TLS_HANDSHAKE ? secure : plain).emit("connection", socket);
      process.nextTick(() => socket.resume());
    });
  });
  return {
    server,
    close: () => new Promise<void>((resolve) => {
      unsubscribe();
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    }),
  };
}
