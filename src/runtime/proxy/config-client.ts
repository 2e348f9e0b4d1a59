// The proxy's end of the config stream: says hello (with its last good version), applies each snapshot
// and answers ACK or NACK, and reconnects with exponential backoff and jitter when the stream drops.
import WebSocket from "ws";
import type { ControlPlaneMessage, NodeInfo, ProxyMessage, ProxyView } from "../protocol/messages.ts";
import type { TrafficSeries } from "../protocol/traffic.ts";

export interface ConfigClientOptions {
  controlPlane: string;
  node: NodeInfo;
  token?: string;
  /** Largest view this proxy accepts, in bytes of JSON. */
  maxViewBytes: number;
  lastGoodVersion(): string | undefined;
  /** Applies a view or throws with the reason it cannot be applied. */
  apply(version: string, view: ProxyView): void;
  /** Told of every NACK, whether the view was too big to read or failed to apply. */
  onRejected(reason: string): void;
  onConnected(connected: boolean): void;
  /** Cumulative traffic counters, reported every statsIntervalMs while connected. */
  stats?(): TrafficSeries[];
  statsIntervalMs?: number;
  /** Workload identity on the same stream (proxy/identity/identity-client.ts). */
  identity?: {
    hello(): { mtls?: true; certificate?: string };
    connected(send: ((message: ProxyMessage) => void) | undefined): void;
    receive(message: ControlPlaneMessage): void;
  };
  log(line: string): void;
}

export function streamUrl(controlPlane: string): string {
  const url = new URL("/v1/stream", controlPlane);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  return url.toString();
}

export class ConfigClient {
  private socket: WebSocket | undefined;
  private attempt = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private statsTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: ConfigClientOptions) {}

  start(): void {
    this.connect();
    const stats = this.options.stats;
    if (stats) {
      this.statsTimer = setInterval(() => this.send({ type: "stats", at: Date.now(), series: stats() }), this.options.statsIntervalMs ?? 2000);
      this.statsTimer.unref();
    }
  }

  private send(message: ProxyMessage): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }

  private connect(): void {
    if (this.stopped) return;
    const socket = new WebSocket(streamUrl(this.options.controlPlane), { maxPayload: 256 * 1024 * 1024 });
    this.socket = socket;
    socket.on("open", () => {
      this.attempt = 0;
      this.options.onConnected(true);
      const lastGoodVersion = this.options.lastGoodVersion();
      this.options.identity?.connected((message) => { if (this.socket === socket) this.send(message); });
      this.send({
        type: "hello", node: this.options.node,
        ...(lastGoodVersion && { lastGoodVersion }), ...(this.options.token && { token: this.options.token }),
        ...this.options.identity?.hello(),
      });
    });
    socket.on("message", (data) => this.receive(data.toString()));
    socket.on("error", () => {}); // 'close' follows and schedules the reconnect
    socket.on("close", () => {
      if (this.socket !== socket) return;
      this.options.identity?.connected(undefined);
      this.options.onConnected(false);
      this.scheduleReconnect();
    });
  }

  private receive(text: string): void {
    let message: ControlPlaneMessage;
    try {
      message = JSON.parse(text) as ControlPlaneMessage;
    } catch {
      this.options.log("control plane sent a frame that is not JSON; ignoring it");
      return;
    }
    if (message.type === "error") {
      this.options.log(`control plane refused this proxy: ${message.message}`);
      return;
    }
    if (message.type !== "snapshot") return this.options.identity?.receive(message);
    const last = this.options.lastGoodVersion() ?? "";
    try {
      if (text.length > this.options.maxViewBytes) {
        throw new Error(`config view is ${text.length} bytes, over this proxy's limit of ${this.options.maxViewBytes} (--max-view-bytes)`);
      }
      this.options.apply(message.version, message.view);
      this.send({ type: "ack", nonce: message.nonce, version: message.version });
    } catch (error) {
      const reason = (error as Error).message;
      this.options.log(`rejected config ${message.version}: ${reason}`);
      this.options.onRejected(reason);
      this.send({ type: "nack", nonce: message.nonce, version: last, error: reason });
    }
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    // 100 ms doubling to 5 s, with full jitter so a restarted control plane is not hit all at once.
    const ceiling = Math.min(5000, 100 * 2 ** this.attempt++);
    this.timer = setTimeout(() => this.connect(), Math.random() * ceiling);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    clearInterval(this.statsTimer);
    this.socket?.terminate();
  }
}
