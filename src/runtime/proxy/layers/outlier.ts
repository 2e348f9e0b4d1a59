// Outlier detection, in two parts around the balancer: `healthyEndpoints` hides ejected endpoints
// from it, and `outlierDetection` (below it) tells the detector how each try to the chosen endpoint
// went (outlier-detector.ts). A failure is a 5xx answer, a refused or reset connection, or a try cut
// by a timeout; an abort the destination's proxy injected on purpose (fault-abort) is the policy's
// doing, not the endpoint's, and a client that went away says nothing about the endpoint.
import type { OutlierDetector, OutlierPolicy, Ejection } from "../outlier-detector.ts";
import type { EndpointsOf } from "./balance.ts";
import { DeadlineExceeded } from "./cancellation.ts";
import { reasonOf } from "./retry-conditions.ts";
import type { Endpoint } from "../../protocol/messages.ts";
import { answerOf, type Layer, type OutboundRequest } from "./types.ts";

export function healthyEndpoints(endpointsOf: EndpointsOf, detector: OutlierDetector): EndpointsOf {
  return (serviceId, version) => detector.healthy(serviceId, endpointsOf(serviceId, version));
}

export function outlierDetection(
  policy: OutlierPolicy | undefined, detector: OutlierDetector, endpointsOf: EndpointsOf,
  onEjected: (service: string, ejection: Ejection) => void = () => {},
): Layer {
  return (next) => {
    if (!policy) return next;
    const record = (request: OutboundRequest, endpoint: Endpoint, failed: boolean) => {
      // The endpoint's group (what maxEjectionPercent counts) is looked up only when a try failed.
      if (!failed) return detector.succeeded(request.service.id, endpoint);
      const ejection = detector.failed(request.service.id, endpoint, policy, endpointsOf(request.service.id, endpoint.version));
      if (ejection) onEjected(request.service.id, ejection);
    };
    // One `then` per try, not an async function (a generator and a promise more).
    return (request) => {
      const endpoint = request.endpoint;
      if (!endpoint) return next(request);
      return answerOf(next, request).then((response) => {
        record(request, endpoint, response.status >= 500 && reasonOf(response) !== "fault-abort");
        return response;
      }, (error: unknown) => {
        if (request.signal.reason instanceof DeadlineExceeded) record(request, endpoint, true);
        throw error;
      });
    };
  };
}
