// Mirroring: a copy of `percent` of the route's requests goes to the mirror target (a service, or
// one version of it); its answer is read and dropped. The copy is fire-and-forget on pools of its own
// (so a hanging mirror cannot take the connections primaries need), at most MAX_IN_FLIGHT copies per
// mirror endpoint (beyond that, copies are dropped rather than queued), each bounded by the route's
// timeout or MIRROR_TIMEOUT_MS. A request body is copied as it streams to the primary; a mirror that
// falls more than 64 KiB behind loses its copy; the primary never waits for it. The copy's Host gets
// Envoy's "-shadow" suffix, and the destination's proxy picks the mirror target's own route for it.
import type { MirrorIR } from "../../../compiler/ir/schema.ts";
import { requestUpstream } from "../upstream-request.ts";
import type { Upstreams } from "../upstreams.ts";
import type { EndpointsOf } from "./balance.ts";
import { ROUTE_HEADER } from "./route-tag.ts";
import { PassThrough, type Readable } from "node:stream";
import type { Headers, Layer, OutboundRequest } from "./types.ts";

export const MIRROR_TIMEOUT_MS = 10_000;
const MAX_IN_FLIGHT = 32;
const MAX_LAG_BYTES = 64 * 1024;

export type MirrorOutcome = "sent" | "dropped";

export interface MirrorDeps {
  endpointsOf: EndpointsOf;
  /** Pools used by mirrors only. */
  upstreams: Upstreams;
  random?: () => number;
  onMirror?: (mirrorService: string, outcome: MirrorOutcome) => void;
}

/** Splits a body into the primary's stream and a copy that is dropped if it lags too far behind. */
function tee(body: Readable): { primary: Readable; copy: PassThrough } {
  const primary = new PassThrough();
  const copy = new PassThrough();
  body.on("data", (chunk: Buffer) => {
    if (!copy.destroyed) {
      if (copy.writableLength > MAX_LAG_BYTES) copy.destroy(new Error("mirror fell behind the primary"));
      else copy.write(chunk);
    }
    if (!primary.destroyed && !primary.write(chunk)) {
      body.pause();
      primary.once("drain", () => body.resume());
    }
  });
  body.once("end", () => {
    primary.end();
    copy.end();
  });
  body.once("error", (error) => {
    primary.destroy(error);
    copy.destroy(error);
  });
  primary.once("close", () => { if (!body.readableEnded) body.resume(); });
  return { primary, copy };
}

function shadowHeaders(headers: Headers): Headers {
  const out: Headers = { ...headers };
  delete out[ROUTE_HEADER];
  if (typeof out.host === "string") out.host = `${out.host}-shadow`;
  return out;
}

export function mirror(policy: MirrorIR | undefined, routeTimeoutMs: number | undefined, deps: MirrorDeps): Layer {
  return (next) => {
    if (!policy || policy.percent <= 0) return next; // a mirror at 0% copies nothing: not in the stack
    const random = deps.random ?? Math.random;
    let cursor = 0;
    const send = (request: OutboundRequest, body: Readable | null): void => {
      const candidates = deps.endpointsOf(policy.service, policy.version);
      const endpoint = candidates[(cursor = (cursor + 1) % 1_000_000) % Math.max(1, candidates.length)];
      const upstream = endpoint && deps.upstreams.get(endpoint);
      if (!upstream || upstream.inFlight >= MAX_IN_FLIGHT) {
        body?.destroy();
        deps.onMirror?.(policy.service, "dropped");
        return;
      }
      deps.onMirror?.(policy.service, "sent");
      upstream.inFlight++;
      body?.on("error", () => {});
      requestUpstream(upstream.pool, { method: request.method, path: request.target, headers: shadowHeaders(request.headers), body },
        AbortSignal.timeout(routeTimeoutMs || MIRROR_TIMEOUT_MS)).then((response) => {
        response.body.onDone(() => { upstream.inFlight--; });
        response.body.discard();
      }, () => { upstream.inFlight--; });
    };
    return (request) => {
      if (random() * 100 >= policy.percent) return next(request);
      if (!request.body) {
        send(request, null);
        return next(request);
      }
      const { primary, copy } = tee(request.body);
      send(request, copy);
      return next({ ...request, body: primary });
    };
  };
}
