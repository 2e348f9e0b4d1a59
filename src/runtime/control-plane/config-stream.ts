// The config stream endpoint: a WebSocket per proxy. The first frame must be a hello; the proxy then
// enrolls (ca/enrollment.ts: join token or certificate, and its first certificate when it wants mTLS)
// before it gets a session; then ACK/NACK, stats and identity frames (CSRs for renewal, trust bundle
// ACKs). Frames of one connection are handled in order. Anything malformed drops that one connection
// and nothing else.
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket } from "ws";
import { parseProxyMessage, type ControlPlaneMessage, type ProxyMessage } from "../protocol/messages.ts";
import type { StatsFrame } from "../protocol/traffic.ts";
import { Enrollment } from "./ca/enrollment.ts";
import type { AttachedProxy, IdentityService } from "./ca/identity-service.ts";
import { CsrRefused } from "./ca/issuer.ts";
import { errorMessage, type ProxySession, type ProxySessions } from "./proxy-sessions.ts";

export const STREAM_PATH = "/v1/stream";
const MAX_FRAME = 1024 * 1024;

export interface ConfigStreamOptions {
  sessions: ProxySessions;
  identity: IdentityService;
  /** The service id a hello's service names under the bundle in force, if it can tell. */
  resolveService(claim: string): string | undefined;
  /** Called after a proxy enrolled, so the control plane can publish to it. */
  onJoin(session: ProxySession): void;
  onStats(session: ProxySession, frame: StatsFrame): void;
  log(line: string): void;
}

export function createConfigStream(options: ConfigStreamOptions) {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME });

  function refuse(socket: WebSocket, message: string): void {
    if (socket.readyState === socket.OPEN) socket.send(errorMessage(message));
    socket.close(1008, message.slice(0, 120));
  }

  wss.on("connection", (socket: WebSocket) => {
    let session: ProxySession | undefined;
    let attached: AttachedProxy | undefined;
    let enrollment: Enrollment | undefined;
    let queue = Promise.resolve();
    const send = (message: ControlPlaneMessage) => { if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message)); };
    const helloTimer = setTimeout(() => refuse(socket, "no hello within 10 s"), 10_000);

    let lastGoodVersion: string | undefined;

    async function enroll(message: ProxyMessage): Promise<void> {
      let step;
      if (!enrollment) {
        if (message.type !== "hello") return refuse(socket, "the first message must be a hello");
        lastGoodVersion = message.lastGoodVersion;
        enrollment = new Enrollment({
          identity: options.identity, resolveService: options.resolveService, send,
          serviceOfProxy: (id) => options.sessions.status().find((p) => p.id === id)?.service,
        }, message);
        step = enrollment.start();
      } else {
        step = await enrollment.receive(message);
      }
      if (step.kind === "wait") return;
      if (step.kind === "refuse") {
        options.log(`refused proxy: ${step.reason}`);
        return refuse(socket, step.reason);
      }
      clearTimeout(helloTimer);
      if (socket.readyState !== socket.OPEN) return;
      session = {
        node: step.node, connectedAt: new Date().toISOString(), ...(lastGoodVersion && { lastGoodVersion }),
        send: (text) => { if (socket.readyState === socket.OPEN) socket.send(text); },
      };
      if (step.node.identity) {
        attached = {
          proxyId: step.node.id, service: step.node.service, spiffeId: step.node.identity, send,
          close: (reason) => refuse(socket, reason), ...(step.certificate && { certificate: step.certificate }),
        };
        options.identity.attach(attached);
      }
      options.sessions.add(session);
      options.onJoin(session);
    }

    async function renew(proxy: AttachedProxy, csr: string): Promise<void> {
      try {
        const issued = await options.identity.issue(proxy, proxy.spiffeId!, csr);
        options.identity.recordIssued(proxy, issued);
        send({ type: "certificate", certificate: issued.certificatePem, spiffeId: issued.spiffeId, notAfter: issued.notAfter.toISOString() });
      } catch (error) {
        if (!(error instanceof CsrRefused)) throw error;
        options.log(`refused a CSR of proxy ${proxy.proxyId}: ${error.message}`);
        send({ type: "csr-refused", reason: error.message });
      }
    }

    async function handle(message: ProxyMessage | undefined): Promise<void> {
      if (!message) return refuse(socket, "malformed message on the config stream");
      if (!session) return enroll(message);
      if (message.type === "ack") options.sessions.acknowledge(session, message.nonce, message.version);
      else if (message.type === "nack") options.sessions.reject(session, message.nonce, message.error);
      else if (message.type === "stats") options.onStats(session, message);
      else if (message.type === "csr" && attached) await renew(attached, message.csr);
      else if (message.type === "certificate-ack" && attached) options.identity.acknowledgeCertificate(attached, message.serial);
      else if (message.type === "trust-bundle-ack" && attached) options.identity.acknowledgeTrustBundle(attached, message.version);
      else refuse(socket, message.type === "hello" ? "hello was already received" : `unexpected ${message.type}`);
    }

    socket.on("error", () => socket.terminate());
    socket.on("message", (data, isBinary) => {
      const message = isBinary ? undefined : parseProxyMessage(data.toString());
      queue = queue.then(() => handle(message)).catch((error: Error) => {
        options.log(`config stream error: ${error.message}`);
        refuse(socket, `control plane error: ${error.message}`);
      });
    });
    socket.on("close", () => {
      clearTimeout(helloTimer);
      if (attached) options.identity.detach(attached.proxyId, attached);
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
