// The config stream endpoint: a WebSocket per proxy. The first frame must be a hello (with the join
// token when one is configured); then ACK/NACK frames. Anything malformed drops that one connection
// and nothing else.
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket } from "ws";
import { parseProxyMessage } from "../protocol/messages.ts";
import type { StatsFrame } from "../protocol/traffic.ts";
import { errorMessage, type ProxySession, type ProxySessions } from "./proxy-sessions.ts";
import { tokensEqual } from "./tokens.ts";

export const STREAM_PATH = "/v1/stream";
const MAX_FRAME = 1024 * 1024;

export interface ConfigStreamOptions {
  sessions: ProxySessions;
  joinToken?: string;
  /** Called after a proxy said hello, so the control plane can publish to it. */
  onJoin(session: ProxySession): void;
  onStats(session: ProxySession, frame: StatsFrame): void;
}

export function createConfigStream(options: ConfigStreamOptions) {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME });

  function refuse(socket: WebSocket, message: string): void {
    socket.send(errorMessage(message));
    socket.close(1008, message.slice(0, 120));
  }

  wss.on("connection", (socket: WebSocket) => {
    let session: ProxySession | undefined;
    const helloTimer = setTimeout(() => refuse(socket, "no hello within 10 s"), 10_000);
    socket.on("error", () => socket.terminate());
    socket.on("message", (data, isBinary) => {
      const message = isBinary ? undefined : parseProxyMessage(data.toString());
      if (!message) return refuse(socket, "malformed message on the config stream");
      if (!session) {
        if (message.type !== "hello") return refuse(socket, "the first message must be a hello");
        if (options.joinToken !== undefined && !tokensEqual(message.token, options.joinToken)) {
          return refuse(socket, "invalid join token");
        }
        clearTimeout(helloTimer);
        session = {
          node: message.node,
          connectedAt: new Date().toISOString(),
          send: (text) => { if (socket.readyState === socket.OPEN) socket.send(text); },
        };
        options.sessions.add(session);
        options.onJoin(session);
        return;
      }
      if (message.type === "ack") options.sessions.acknowledge(session, message.nonce, message.version);
      else if (message.type === "nack") options.sessions.reject(session, message.nonce, message.error);
      else if (message.type === "stats") options.onStats(session, message);
      else refuse(socket, "hello was already received");
    });
    socket.on("close", () => {
      clearTimeout(helloTimer);
      if (session) options.sessions.remove(session);
    });
  });

  return {
    handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
      wss.handleUpgrade(request, socket, head, (ws) => wss.emit("connection", ws, request));
    },
    close(): void {
      for (const client of wss.clients) client.terminate();
      wss.close();
    },
  };
}
