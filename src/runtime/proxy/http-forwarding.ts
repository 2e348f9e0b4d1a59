// What outbound and inbound listeners share: hop-by-hop header handling, request bodies, writing a
// streamed upstream response, and client-abort signalling.
import type { IncomingMessage, ServerResponse } from "node:http";
import { Cancellation } from "./layers/cancellation.ts";
import type { Headers, UpstreamResponse } from "./layers/types.ts";

// RFC 9110 §7.6.1 connection-specific fields, plus the proxy's own identity header that callers must
// not be able to forge end to end.
const HOP_BY_HOP = new Set([
  "connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade", "proxy-authorization", "proxy-authenticate",
]);

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/**
 * A handler as a server's request listener: one that throws, or rejects, closes that request's
 * connection, and the process serves on (the listeners are plain functions and catch what they expect;
 * this is for what they do not).
 */
export function guarded(handler: RequestHandler): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    try {
      const done = handler(req, res);
      if (done) done.catch(() => res.destroy());
    } catch {
      res.destroy();
    }
  };
}

/**
 * Ends a listener's chain on an answer: `answered` with its value, else `failed` with its error or with
 * whatever `answered` threw; should `failed` throw too, the request's connection is closed. Nothing
 * escapes as an unhandled rejection (a crash), as an async handler's rejection could not, and it costs
 * one `then`, no promise of its own.
 */
export function whenAnswered<T>(res: ServerResponse, answer: Promise<T>, answered: (value: T) => void, failed: (error: unknown) => void): void {
  const fail = (error: unknown) => {
    try {
      failed(error);
    } catch {
      res.destroy();
    }
  };
  answer.then((value) => {
    try {
      answered(value);
    } catch (error) {
      fail(error);
    }
  }, fail);
}

export function forwardableHeaders(raw: IncomingMessage["headers"]): Headers {
  const out: Headers = {};
  // Headers the Connection header names are hop-by-hop too. Most requests send none, or one of the two
  // options that name no header, and those are not split into a list on every request.
  const connection = raw.connection;
  const listed = connection === undefined || connection === "keep-alive" || connection === "close"
    ? undefined
    : String(connection).toLowerCase().split(",").map((s) => s.trim()).filter(Boolean);
  for (const name in raw) {
    const value = raw[name];
    if (value === undefined || HOP_BY_HOP.has(name) || listed?.includes(name)) continue;
    out[name] = value;
  }
  return out;
}

/** The request as a body to forward, or undefined when it carries none (no length, not chunked). */
export function requestBody(req: IncomingMessage): IncomingMessage | undefined {
  return req.headers["transfer-encoding"] !== undefined || Number(req.headers["content-length"] ?? 0) > 0 ? req : undefined;
}

/**
 * Aborted when the client disconnects before the response is complete, or the request's `body` (from
 * requestBody) fails. The second reaches what the first cannot: a response already finished (an
 * upstream that answered before the upload was over) whose upload a client then leaves. (An
 * IncomingMessage emits 'error' only to listeners: without this one nothing would crash, and nothing
 * would be aborted either.)
 */
export function clientAbortSignal(res: ServerResponse, body: IncomingMessage | undefined): Cancellation {
  const controller = new Cancellation();
  res.on("close", () => { if (!res.writableFinished) controller.abort(new Error("client closed the connection")); });
  body?.on("error", () => controller.abort(new Error("client request errored")));
  return controller;
}

/**
 * Writes the head and streams the body with backpressure (a body the upstream cut destroys the response:
 * response-body.ts); `done` runs once the body is over, at once when it was whole. A callback rather than
 * a promise: the listeners finish their metrics with it, and most bodies are whole when the head comes.
 */
export function writeResponse(res: ServerResponse, response: UpstreamResponse, done: () => void, extra?: Headers): void {
  // Names arrive lower-cased (undici's parser, the proxy's own replies); for…in makes no entry arrays.
  const headers: Headers = {};
  const from = response.headers;
  for (const name in from) if (!HOP_BY_HOP.has(name)) headers[name] = from[name]!;
  if (extra) for (const name in extra) headers[name] = extra[name]!;
  if (!res.headersSent) res.writeHead(response.status, headers);
  const body = response.body;
  if (!body) {
    res.end();
    return done();
  }
  body.pipe(res);
  body.onDone(done);
}

export function writeLocal(res: ServerResponse, status: number, reason: string, message: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = `${message}\n`;
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8", "content-length": Buffer.byteLength(body), "x-typemesh-reason": reason });
  res.end(body);
}
