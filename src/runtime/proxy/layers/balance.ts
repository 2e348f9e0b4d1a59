// Picks an endpoint of the chosen version: round-robin, or least-request (fewest in flight, ties broken
// round-robin) as the service declares. Endpoints come from the config view, pools from Upstreams.
import type { Endpoint } from "../../protocol/messages.ts";
import type { Upstreams } from "../upstreams.ts";
import { localReply, type Layer } from "./types.ts";

export type EndpointsOf = (serviceId: string, version: string | undefined) => readonly Endpoint[];

export function balance(endpointsOf: EndpointsOf, upstreams: Upstreams, mode: "round-robin" | "least-request"): Layer {
  let cursor = 0;
  return (next) => (request) => {
    const candidates = endpointsOf(request.service.id, request.version);
    if (candidates.length === 0) {
      return Promise.resolve(localReply(503, "no-healthy-upstream",
        `no endpoint of ${request.service.id}${request.version ? ` ${request.version}` : ""} is registered`));
    }
    cursor = (cursor + 1) % 1_000_000;
    let endpoint = candidates[cursor % candidates.length]!;
    if (mode === "least-request" && candidates.length > 1) {
      let best = Number.POSITIVE_INFINITY;
      for (let i = 0; i < candidates.length; i++) {
        const candidate = candidates[(cursor + i) % candidates.length]!;
        const load = upstreams.get(candidate).inFlight;
        if (load < best) {
          best = load;
          endpoint = candidate;
        }
      }
    }
    return next({ ...request, endpoint, version: request.version ?? endpoint.version });
  };
}
