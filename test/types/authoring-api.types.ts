// Type tests for the authoring API: every misuse below must fail to compile (@ts-expect-error fails
// the test if the line compiles), and every correct use must compile. Run by authoring-api.test.ts.
import { defineMesh, defineService, type Duration } from "typemesh";

export const mesh = defineMesh({ trustDomain: "cluster.local", mtls: "strict" });

// @ts-expect-error mTLS has two modes; "disabled" is not one of them
defineMesh({ trustDomain: "cluster.local", mtls: "disabled" });

export const payments = defineService({
  name: "payments",
  port: 8080,
  versions: { v1: {}, v2: { labels: { track: "canary" } } },
  routes: [
    { to: "v1" },
    { split: { v1: 90, v2: 10 } },
    // @ts-expect-error a route's destination must be a declared version
    { to: "v3" },
    // @ts-expect-error a split key must be a declared version
    { split: { v1: 50, v9: 50 } },
    // @ts-expect-error a route sends to one version or splits, not both
    { to: "v1", split: { v1: 100 } },
    // @ts-expect-error a route must send somewhere
    { timeout: "1s" },
  ],
});

defineService({
  name: "durations",
  port: 8080,
  versions: { v1: {} },
  routes: [
    { to: "v1", timeout: "250ms" },
    { to: "v1", timeout: "2s", retries: { attempts: 2, perTryTimeout: "1m" } },
    // @ts-expect-error durations carry a unit
    { to: "v1", timeout: "250" },
    // @ts-expect-error durations are strings, not numbers of milliseconds
    { to: "v1", timeout: 250 },
    // @ts-expect-error "sec" is not a unit
    { to: "v1", timeout: "2sec" },
  ],
});

const okDuration: Duration = "1.5s";
// @ts-expect-error days are not a duration unit
const badDuration: Duration = "1d";
void okDuration;
void badDuration;

defineService({
  name: "matches",
  port: 8080,
  versions: { v1: {} },
  routes: [
    { match: { path: { prefix: "/api" }, method: ["GET", "HEAD"] }, to: "v1" },
    { match: { headers: { "x-user": { present: true } }, query: { q: { regex: "^a" } } }, to: "v1" },
    // @ts-expect-error a string match compares one way only
    { match: { path: { exact: "/a", prefix: "/b" } }, to: "v1" },
    // @ts-expect-error paths cannot be matched by presence
    { match: { path: { present: true } }, to: "v1" },
    // @ts-expect-error FETCH is not an HTTP method
    { match: { method: "FETCH" }, to: "v1" },
    // @ts-expect-error unknown match fields are caught
    { match: { host: "example.com" }, to: "v1" },
  ],
});

defineService({
  name: "resilience",
  port: 8080,
  versions: { v1: {} },
  connectionLimits: { maxConnections: 10, maxPendingRequests: 5, maxRequests: 20 },
  outlierDetection: { consecutive5xx: 5, interval: "10s", baseEjectionTime: "30s", maxEjectionPercent: 50 },
  routes: [
    { to: "v1", retries: { attempts: 2, retryOn: ["5xx", "reset", 503] } },
    // @ts-expect-error "timeout" is not a retry condition
    { to: "v1", retries: { attempts: 2, retryOn: ["timeout"] } },
    { to: "v1", fault: { delay: { fixed: "100ms", percent: 5 }, abort: { status: 503, percent: 1 } } },
    // @ts-expect-error a delay needs its duration
    { to: "v1", fault: { delay: { percent: 5 } } },
    { to: "v1", mirror: { to: payments.versions.v2, percent: 10 } },
    { to: "v1", mirror: { to: payments } },
    // @ts-expect-error versions of other services are typed too: payments has no v7
    { to: "v1", mirror: { to: payments.versions.v7 } },
    // @ts-expect-error a mirror target is a service, not a name
    { to: "v1", mirror: { to: "payments" } },
  ],
  // @ts-expect-error a load balancer is round-robin or least-request
  loadBalancer: "random",
});

defineService({
  name: "authz",
  port: 8080,
  versions: { v1: {} },
  mtls: "permissive",
  authorization: {
    allow: [{ from: [payments], methods: ["POST"], paths: ["/charge", "/refunds/*"] }],
    deny: [{ from: [() => payments] }],
  },
});

defineService({
  name: "authz-misuse",
  port: 8080,
  versions: { v1: {} },
  authorization: {
    // @ts-expect-error callers are imported services, so a rename is a type error, not a silent break
    allow: [{ from: ["payments"] }],
  },
});

// @ts-expect-error a service needs a port
defineService({ name: "no-port", versions: { v1: {} } });

// @ts-expect-error renamed services fail at every reference: paymentz does not exist
defineService({ name: "x", port: 1, versions: { v1: {} }, authorization: { allow: [{ from: [paymentz] }] } });

defineService({
  name: "rollouts",
  port: 8080,
  versions: { v1: {}, v2: {} },
  routes: [{ to: "v1" }],
  rollout: { to: "v2", steps: [10, 50, 100], interval: "30s", gates: { minSuccessRate: 99, maxP99: "250ms" } },
});

defineService({
  name: "rollout-misuse",
  port: 8080,
  versions: { v1: {}, v2: {} },
  // @ts-expect-error a rollout moves to a declared version
  rollout: { to: "v3", interval: "30s", gates: {} },
});
