// Circuit breaking: each try to the destination takes a slot of its connection limits
// (circuit-breakers.ts) and holds it until its response body is done. Over the limits, with the
// pending queue full, the try is refused at once with 503 circuit-open (Envoy's upstream overflow),
// which retries do not repeat. A wait for a slot counts against the try's and the request's timeouts.
import type { ConcurrencyGate, Release } from "../circuit-breakers.ts";
import { answerOf, localReply, type Handler, type Layer, type OutboundRequest, type UpstreamResponse } from "./types.ts";

function refuse(request: OutboundRequest, gate: ConcurrencyGate): UpstreamResponse {
  return localReply(503, "circuit-open",
    `${request.service.id}: connection limits reached (${gate.inFlight} in flight, ${gate.pending} waiting); refused without queueing`);
}

/** The try with the slot held until its body is done (at once when there is none); one `then`, no async function. */
function holding(release: Release, next: Handler, request: OutboundRequest): Promise<UpstreamResponse> {
  return answerOf(next, request).then((response) => {
    if (response.body) response.body.onDone(release);
    else release();
    return response;
  }, (error: unknown) => {
    release();
    throw error;
  });
}

export function breaker(gate: ConcurrencyGate | undefined, onOpen: (service: string) => void = () => {}): Layer {
  return (next) => {
    if (!gate) return next; // the service declares no connection limits
    return (request) => {
      const slot = gate.acquire(request.signal);
      if (slot === "open") {
        onOpen(request.service.id);
        return Promise.resolve(refuse(request, gate));
      }
      if (typeof slot === "function") return holding(slot, next, request);
      return slot.then((release) => {
        // No slot: the request's deadline or its client ended the wait; the layer above answers.
        if (!release) return localReply(503, "circuit-open", `${request.service.id}: gave up waiting for a connection slot`);
        return holding(release, next, request);
      });
    };
  };
}
