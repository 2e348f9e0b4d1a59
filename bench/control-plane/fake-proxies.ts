// Simulated proxies for the control-plane benchmark: raw WebSocket clients speaking the config protocol
// as a plaintext proxy does (hello, then ACK every snapshot by its nonce), without listeners or apps.
// Each one notes when it ACKed a view of each bundle version, on the wall clock, so the benchmark can
// time a bundle change from the moment it was applied.
import WebSocket from "ws";

export interface FakeProxy {
  id: string;
  socket: WebSocket;
  /** Bundle version → when this proxy ACKed a view of it (ms since the epoch, sub-millisecond). */
  acked: Map<string, number>;
}

const now = () => performance.timeOrigin + performance.now();

function connect(url: string, id: string, service: string, version: string, port: number): Promise<FakeProxy> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${url.replace("http:", "ws:")}/v1/stream`, { perMessageDeflate: false });
    const proxy: FakeProxy = { id, socket, acked: new Map() };
    socket.on("open", () => socket.send(JSON.stringify({ type: "hello", node: { id, service, version, inbound: { host: "127.0.0.1", port } } })));
    socket.on("message", (data) => {
      const message = JSON.parse(data.toString()) as { type: string; nonce: string; version: string; message?: string; view?: { bundleVersion: string } };
      if (message.type === "error") return reject(new Error(`${id} refused: ${message.message}`));
      if (message.type !== "snapshot") return;
      socket.send(`{"type":"ack","nonce":"${message.nonce}","version":"${message.version}"}`);
      proxy.acked.set(message.view!.bundleVersion, now());
      resolve(proxy);
    });
    socket.on("error", reject);
  });
}

/** Connects `count` proxies spread over the services' two versions, `concurrency` handshakes at a time. */
export async function connectProxies(url: string, count: number, services: string[], concurrency = 50): Promise<FakeProxy[]> {
  const proxies: FakeProxy[] = [];
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < count) {
      const i = next++;
      const service = services[i % services.length]!;
      const version = Math.floor(i / services.length) % 2 === 0 ? "v1" : "v2";
      proxies[i] = await connect(url, `fake-${String(i).padStart(4, "0")}`, `bench/${service}`, version, 20_000 + i);
    }
  }));
  return proxies;
}

export function closeProxies(proxies: FakeProxy[]): void {
  for (const proxy of proxies) proxy?.socket.terminate();
}

export { now };
