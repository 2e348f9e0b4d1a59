// Composes a route's layers in one readable place. Requests pass the layers top to bottom; responses
// come back bottom to top. DESIGN's order is route → split → mirror → retry → timeout → breaker →
// balance → pool. Its one "timeout" box is two concerns here: the route's timeout bounds the whole
// request, retries included, so it has to wrap the retry layer; the per-try timeout sits where the
// diagram puts it. The split runs before the route's header changes, which do not bear on its choice,
// so that it writes the version on the listener's own request (split.ts). Above retry, a layer runs
// once per request; below it, once per try. Faults are not in this stack: DESIGN applies them on the
// destination's inbound side (layers/fault.ts), after authorization; this stack only names the route
// for it (route-tag.ts). Layers a route or service does not declare are left out of its stack when it
// is built, so they cost nothing per request.
import type { RouteIR, ServiceIR } from "../../compiler/ir/schema.ts";
import { balance, type EndpointsOf } from "./layers/balance.ts";
import { breaker } from "./layers/breaker.ts";
import { forward } from "./layers/forward.ts";
import { headerChanges } from "./layers/header-changes.ts";
import { mirror } from "./layers/mirror.ts";
import { healthyEndpoints, outlierDetection } from "./layers/outlier.ts";
import { retry } from "./layers/retry.ts";
import { routeTag } from "./layers/route-tag.ts";
import { split } from "./layers/split.ts";
import { timeout } from "./layers/timeout.ts";
import type { Handler, Layer } from "./layers/types.ts";
import type { ResilienceMetrics } from "./resilience-metrics.ts";
import { ResilienceState } from "./resilience-state.ts";
import type { Upstreams } from "./upstreams.ts";

export interface StackDeps {
  upstreams: Upstreams;
  endpointsOf: EndpointsOf;
  random?: () => number;
  /** Breakers, outlier state, retry budgets: they outlive routers, so a proxy passes its own. */
  resilience?: ResilienceState;
  /** Where the resilience layers count what they did (the proxy's metrics). */
  events?: ResilienceMetrics;
}

function compose(layers: Layer[], inner: Handler): Handler {
  return layers.reduceRight((next, layer) => layer(next), inner);
}

// Without state from a proxy (unit tests of the router), one per deps object: a router's own.
const ownState = new WeakMap<StackDeps, ResilienceState>();

export function routeStack(service: ServiceIR, route: RouteIR, deps: StackDeps): Handler {
  let state = deps.resilience ?? ownState.get(deps);
  if (!state) ownState.set(deps, (state = new ResilienceState()));
  const events = deps.events;
  const limits = service.connectionLimits;
  return compose([
    // once per request
    split(deps.random), //                            choose the version by the route's weights (first: see split.ts)
    headerChanges(route), //                          the route's request/response header changes
    routeTag(service), //                             name the route for the destination's fault
    mirror(route.mirror, route.timeoutMs, { //        fire-and-forget copy to the mirror target
      endpointsOf: deps.endpointsOf, upstreams: state.mirrorUpstreams, ...(deps.random && { random: deps.random }),
      onMirror: (target, outcome) => events?.mirror(target, outcome),
    }),
    timeout(route.timeoutMs, "request", (r, s) => events?.timedOut("request", r, s)), // the whole request, retries included
    retry(route.retries, state.retryBudgets.of(service.id), events, deps.random), //    try again on retryOn, within budget
    // once per try
    timeout(route.retries?.perTryTimeoutMs, "per-try", (r, s) => events?.timedOut("per-try", r, s)), // each try until its headers
    breaker(limits && state.breakers.of(service.id, limits), (s) => events?.opened(s)), // connection limits: fail fast
    balance(service.outlierDetection ? healthyEndpoints(deps.endpointsOf, state.outliers) : deps.endpointsOf,
      deps.upstreams, service.loadBalancer), //          choose an endpoint of the version, ejected ones aside
    outlierDetection(service.outlierDetection, state.outliers, deps.endpointsOf, (s, e) => events?.ejected(s, e)), // eject on consecutive 5xx
  ], forward(deps.upstreams)); //                     stream to the endpoint over its keep-alive pool
}
