// A test upstream that misbehaves on command: answers with a status (late, if told), resets the
// connection, hangs until the caller gives up, or refuses connections altogether (down()). What it
// does per request comes from a script named by the request's x-test-script header (one action per
// try, the last repeating), else from a behaviour function. It records every request it saw, with
// its body and whether the caller cancelled it before it was answered. 127.0.0.1 only.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type Action =
  | { kind: "answer"; status: number; afterMs?: number; body?: string }
  | { kind: "reset"; afterMs?: number }
  | { kind: "hang" };

export const ok: Action = { kind: "answer", status: 200 };

export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: Buffer;
  at: number;
  /** The caller went away before an answer was complete. */
  cancelled: boolean;
  cancelledAt?: number;
  answered: boolean;
}

export class ScriptedUpstream {
  readonly requests: SeenRequest[] = [];
  private readonly scripts = new Map<string, { actions: readonly Action[]; next: number }>();
  private behaviour: (seen: SeenRequest, index: number) => Action = () => ok;
  private constructor(private server: Server, readonly port: number, readonly name: string) {}

  static async start(name = "upstream"): Promise<ScriptedUpstream> {
    const upstream = new ScriptedUpstream(createServer(), 0, name);
    await upstream.listen(0);
    return upstream;
  }

  private listen(port: number): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = 30_000;
    return new Promise((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, "127.0.0.1", () => {
        (this as { port: number }).port = (this.server.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  /** Requests carrying `x-test-script: <key>` follow these actions, one per try; the last repeats. */
  script(key: string, actions: readonly Action[]): void {
    this.scripts.set(key, { actions, next: 0 });
  }

  /** What requests without a script get. */
  behave(behaviour: (seen: SeenRequest, index: number) => Action): void {
    this.behaviour = behaviour;
  }

  seen(key: string): SeenRequest[] {
    return this.requests.filter((r) => r.headers["x-test-script"] === key);
  }

  private pick(seen: SeenRequest, index: number): Action {
    const key = seen.headers["x-test-script"];
    const script = typeof key === "string" ? this.scripts.get(key) : undefined;
    if (!script) return this.behaviour(seen, index);
    return script.actions[Math.min(script.next++, script.actions.length - 1)]!;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const seen: SeenRequest = { method: req.method ?? "GET", url: req.url ?? "/", headers: req.headers, body: Buffer.alloc(0), at: Date.now(), cancelled: false, answered: false };
    const index = this.requests.push(seen) - 1;
    res.on("close", () => {
      if (!res.writableFinished) {
        seen.cancelled = true;
        seen.cancelledAt = Date.now();
      }
    });
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    seen.body = Buffer.concat(chunks);
    const action = this.pick(seen, index);
    const wait = (ms = 0) => new Promise<void>((resolve) => {
      if (ms <= 0) return resolve();
      const timer = setTimeout(resolve, ms);
      res.once("close", () => { clearTimeout(timer); resolve(); });
    });
    switch (action.kind) {
      case "hang":
        return; // until the caller gives up: 'close' marks it cancelled
      case "reset":
        await wait(action.afterMs);
        req.socket.destroy();
        return;
      case "answer": {
        await wait(action.afterMs);
        if (res.destroyed) return;
        const body = action.body ?? JSON.stringify({ upstream: this.name, method: seen.method, url: seen.url, bodyBytes: seen.body.length });
        seen.answered = true;
        res.writeHead(action.status, { "content-type": "application/json", "x-upstream": this.name }).end(body);
      }
    }
  }

  /** Stops accepting connections and drops the open ones: callers get connection refused. */
  down(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  /** Listens again on the same port. */
  up(): Promise<void> {
    return this.listen(this.port);
  }

  close(): Promise<void> {
    return this.down();
  }
}
