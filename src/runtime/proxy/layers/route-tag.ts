// Names the route a request took in a header, so that the destination's proxy applies that route's
// fault (fault.ts: DESIGN puts faults on the inbound side, after authorization) without matching the
// request again against headers this route may have changed. Whatever the app sent is overwritten.
// Services without faults are not tagged: their proxies have nothing to look up.
import type { ServiceIR } from "../../../compiler/ir/schema.ts";
import type { Layer } from "./types.ts";

export const ROUTE_HEADER = "x-typemesh-route";

export function routeTag(service: ServiceIR): Layer {
  return (next) => {
    if (!service.routes.some((r) => r.fault)) return next;
    // Stored by its name on the request's own headers (types.ts): no third copy of them per request,
    // and no literal with a computed key, which V8 defines key by key in its runtime.
    return (request) => {
      request.headers[ROUTE_HEADER] = request.route.name;
      return next(request);
    };
  };
}
