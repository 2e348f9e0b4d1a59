// Chooses the version for a request by the route's percentage weights (uniform sample in [0, 100),
// the same pick simulate makes for a given sample). The answer is marked with the version chosen.
import { pickWeighted } from "../../../compiler/simulate/match-request.ts";
import type { Layer } from "./types.ts";

export function split(random: () => number = Math.random): Layer {
  return (next) => (request) => {
    const destinations = request.route.destinations;
    const chosen = destinations.length === 1 ? destinations[0] : pickWeighted(destinations, random() * 100);
    const version = chosen?.version;
    return next({ ...request, version }).then((response) => {
      response.version ??= version;
      return response;
    });
  };
}
