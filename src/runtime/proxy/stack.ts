// Composes a route's layers in one readable place. Requests pass the layers top to bottom; responses
// come back bottom to top. The resilience layers (timeouts, retries, breakers, faults, mirrors) slot in
// here, each one file in layers/.
import type { RouteIR, ServiceIR } from "../../compiler/ir/schema.ts";
import { balance, type EndpointsOf } from "./layers/balance.ts";
import { forward } from "./layers/forward.ts";
import { headerChanges } from "./layers/header-changes.ts";
import { split } from "./layers/split.ts";
import type { Handler, Layer } from "./layers/types.ts";
import type { Upstreams } from "./upstreams.ts";

export interface StackDeps {
  upstreams: Upstreams;
  endpointsOf: EndpointsOf;
  random?: () => number;
}

function compose(layers: Layer[], inner: Handler): Handler {
  return layers.reduceRight((next, layer) => layer(next), inner);
}

export function routeStack(service: ServiceIR, route: RouteIR, deps: StackDeps): Handler {
  return compose([
    headerChanges(route), //                 request/response header changes of the route
    split(deps.random), //                   choose the version by the route's weights
    balance(deps.endpointsOf, deps.upstreams, service.loadBalancer), // choose an endpoint of it
  ], forward(deps.upstreams)); //            stream to the endpoint over its keep-alive pool
}
