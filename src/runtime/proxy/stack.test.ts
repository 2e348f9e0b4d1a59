// The stack as stack.ts composes it: the split writes the version it chose on the listener's own request
// (split.ts), which only works while it runs before any layer that copies the request. A reply the
// proxy makes itself below it must still be counted under that version.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Cancellation } from "./layers/cancellation.ts";
import { testRequest, testRoute, testService } from "./layers/test-requests.ts";
import { routeStack } from "./stack.ts";
import { Upstreams } from "./upstreams.ts";

test("the listener's request carries the split's version even when a layer above the pool answers", async () => {
  // A route with every once-per-request layer that copies the request (header changes, the route tag a
  // fault needs, a timeout), all of v2, and no endpoint registered: the balancer answers 503.
  const route = testRoute({
    destinations: [{ version: "v1", weight: 0 }, { version: "v2", weight: 100 }],
    requestHeaders: { set: { "x-route": "r" }, add: {}, remove: [] },
    fault: { abort: { status: 503, percent: 0 } },
    timeoutMs: 1000,
  });
  const service = testService({ versions: [{ name: "v1", labels: {} }, { name: "v2", labels: {} }], routes: [route] });
  const upstreams = new Upstreams();
  const stack = routeStack(service, route, { upstreams, endpointsOf: () => [] });
  const request = testRequest({ service, route, signal: new Cancellation() });
  const response = await stack(request);
  assert.equal(response.reason, "no-healthy-upstream");
  assert.equal(request.version, "v2", "the listener reads the version from its own request");
  await upstreams.close();
});
