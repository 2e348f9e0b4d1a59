// Chooses the version for a request by the route's percentage weights (uniform sample in [0, 100),
// the same pick simulate makes for a given sample). The stack's first layer, run once per request: it
// writes its choice on the request the listener made, where the listener reads it for its metrics (a
// reply made on the way, with no x-typemesh-version from the destination, is still that version's), and
// the layers below copy the request from there. Marking the answer on its way back instead cost a
// promise per request.
import { pickWeighted } from "../../../compiler/simulate/match-request.ts";
import type { Layer } from "./types.ts";

export function split(random: () => number = Math.random): Layer {
  return (next) => (request) => {
    const destinations = request.route.destinations;
    request.version = (destinations.length === 1 ? destinations[0] : pickWeighted(destinations, random() * 100))?.version;
    return next(request);
  };
}
