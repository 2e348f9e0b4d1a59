// Retries, as the route declares them and never otherwise (DESIGN: no default retries). A try whose
// outcome meets the route's retryOn (retry-conditions.ts) is tried again, up to `attempts` more times,
// after an exponential backoff with full jitter: a random wait in [0, min(max, base × 2^n)).
// Not retried: POST and PATCH unless the route opts in; a request whose body cannot be replayed
// (replay-body.ts: more than 64 KiB, or the client failed); a retry the destination's retry budget
// refuses (retry-budget.ts); anything once the request's deadline or the client has aborted it.
// The split has already chosen the version, so every try goes to the same version; the balancer may
// choose another endpoint of it.
import type { RetryIR } from "../../../compiler/ir/schema.ts";
import type { RetryBudget } from "../retry-budget.ts";
import { sleep } from "./cancellation.ts";
import { ReplayableBody } from "./replay-body.ts";
import { isIdempotent, shouldRetry } from "./retry-conditions.ts";
import { answerOf, type Layer, type OutboundRequest, type UpstreamResponse } from "./types.ts";

export interface RetryEvents {
  /** A retry is sent (the n-th, from 1). */
  retried(route: string, service: string): void;
  /** A retry the policy asked for was not sent. */
  denied(route: string, service: string, why: "budget-exhausted" | "body-not-replayable"): void;
}

const NO_EVENTS: RetryEvents = { retried: () => {}, denied: () => {} };

export function backoffMs(policy: RetryIR, retry: number, random: () => number): number {
  const ceiling = Math.min(policy.backoff.maxMs, policy.backoff.baseMs * 2 ** (retry - 1));
  return random() * ceiling;
}

export function retry(policy: RetryIR | undefined, budget: RetryBudget, events: RetryEvents = NO_EVENTS, random: () => number = Math.random): Layer {
  return (next) => {
    if (!policy || policy.attempts === 0) return next;
    /** Whether this answer is the request's last: the client left, the deadline passed, or nothing to retry. */
    const settled = (request: OutboundRequest, response: UpstreamResponse) => request.signal.aborted || !shouldRetry(policy, response);
    // Most requests are answered by their first try: that path is one `then`; the loop, an async
    // function (a generator and a promise more per request), runs only once a retry is asked for.
    const retries = async (request: OutboundRequest, body: ReplayableBody | undefined, first: UpstreamResponse): Promise<UpstreamResponse> => {
      let response = first;
      for (let n = 1; n <= policy.attempts; n++) {
        if (settled(request, response)) return response;
        if (body && !body.replayable) {
          events.denied(request.route.name, request.service.id, "body-not-replayable");
          return response;
        }
        const charge = budget.withdraw();
        if (!charge) {
          events.denied(request.route.name, request.service.id, "budget-exhausted");
          return response;
        }
        if (!(await sleep(backoffMs(policy, n, random), request.signal))) {
          charge.refund();
          return response; // the deadline (or the client) ended the request while backing off
        }
        const replay = body?.next();
        if (body && !replay) { // the client sent more than the copy holds while we backed off
          charge.refund();
          events.denied(request.route.name, request.service.id, "body-not-replayable");
          return response;
        }
        response.body?.discard();
        events.retried(request.route.name, request.service.id);
        response = await next(replay ? { ...request, body: replay } : request);
        if (!shouldRetry(policy, response)) charge.refund();
      }
      return response;
    };
    return (request) => {
      if (!policy.retryNonIdempotent && !isIdempotent(request.method)) return next(request);
      budget.deposit();
      const body = request.body ? new ReplayableBody(request.body) : undefined;
      return answerOf(next, body ? { ...request, body: body.next() } : request).then((response) =>
        settled(request, response) ? response : retries(request, body, response));
    };
  };
}
