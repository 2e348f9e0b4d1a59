// Timeouts, in two places of the stack. The route's `timeout` (scope "request") wraps the retry layer:
// it bounds the whole request, every try and backoff included, until the response body is complete
// (Envoy's route timeout). The retry policy's `perTryTimeout` (scope "per-try") sits inside retry and
// bounds one try until its response headers; a try that answered in time may stream as long as the
// request's deadline allows. On expiry the upstream request is aborted (the pool cancels it, and the
// next proxy cancels its own) and the caller gets 504 with the scope in x-typemesh-reason; after the
// headers have gone out, the body is cut instead.
import { DeadlineExceeded, linkedAbort } from "./cancellation.ts";
import { localReply, type Layer } from "./types.ts";

export type TimeoutScope = "request" | "per-try";

export const TIMEOUT_REASON: Record<TimeoutScope, string> = { request: "request-timeout", "per-try": "per-try-timeout" };

export function timeout(ms: number | undefined, scope: TimeoutScope, onTimeout: (route: string, service: string) => void = () => {}): Layer {
  return (next) => {
    if (!ms) return next; // no timeout declared (or 0: none, as in Istio)
    return (request) => new Promise((resolve, reject) => {
      const link = linkedAbort(request.signal);
      let answered = false;
      const expire = () => {
        onTimeout(request.route.name, request.service.id);
        link.abort(new DeadlineExceeded(scope, ms));
        if (answered) return; // the body was streaming: aborting cut it
        answered = true;
        link.dispose();
        const what = scope === "request" ? "the route's timeout" : "the per-try timeout";
        resolve(localReply(504, TIMEOUT_REASON[scope],
          `${request.service.id} did not answer within ${what} of ${ms} ms (route ${request.route.name})`));
      };
      const timer = setTimeout(expire, ms);
      next({ ...request, signal: link.signal }).then((response) => {
        if (answered) { // too late: nobody reads it
          response.body?.discard();
          return;
        }
        answered = true;
        const body = response.body;
        if (scope === "per-try" || !body || body.done) clearTimeout(timer);
        if (!body || body.done) {
          link.dispose();
        } else {
          body.onDone(() => {
            clearTimeout(timer);
            link.dispose();
          });
          // A body from the pool is cut by the abort itself; any other body is cut here.
          if (scope === "request") link.signal.addEventListener("abort", () => body.destroy(link.signal.reason as Error), { once: true });
        }
        resolve(response);
      }, (error: unknown) => {
        clearTimeout(timer);
        link.dispose();
        if (answered) return;
        answered = true;
        reject(error);
      });
    });
  };
}
