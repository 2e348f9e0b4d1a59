// Chooses the version for a request by the route's percentage weights (uniform sample in [0, 100),
// the same pick simulate makes for a given sample).
import { pickWeighted } from "../../../compiler/simulate/match-request.ts";
import type { Layer } from "./types.ts";

export function split(random: () => number = Math.random): Layer {
  return (next) => (request) => {
    const destinations = request.route.destinations;
    const chosen = destinations.length === 1 ? destinations[0] : pickWeighted(destinations, random() * 100);
    return next({ ...request, version: chosen?.version });
  };
}
