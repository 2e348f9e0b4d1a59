// Product catalog: read-mostly, so retries are safe; permissive mTLS while a legacy batch job still
// reads it in plaintext; a chaos header lets the demo inject faults on purpose.
import { defineService } from "typemesh";
import { checkout } from "./checkout.policy";

export const catalog = defineService({
  name: "catalog",
  namespace: "shop",
  port: 8080,
  // v2 is the next release; v3 is a build known to be bad, kept to show a rollout rolling back.
  versions: { v1: {}, v2: { labels: { track: "next" } }, v3: { labels: { track: "next" } } },
  mtls: "permissive",
  loadBalancer: "least-request",
  routes: [
    {
      name: "chaos",
      match: { headers: { "x-chaos": { present: true } } },
      to: "v1",
      fault: {
        delay: { fixed: "200ms", percent: 50 },
        abort: { status: 503, percent: 10 },
      },
    },
    {
      name: "search",
      match: { path: { exact: "/search" }, query: { q: { regex: "^[\\w -]{1,64}$" } }, method: "GET" },
      to: "v1",
      timeout: "800ms",
      retries: { attempts: 2, perTryTimeout: "250ms", retryOn: ["5xx", "reset"] },
    },
    {
      name: "reads",
      match: { method: ["GET", "HEAD"] },
      to: "v1",
      timeout: "2s",
      retries: {
        attempts: 1,
        perTryTimeout: "900ms",
        retryOn: ["connect-failure", 503],
        backoff: { base: "20ms", max: "100ms" },
      },
    },
    { name: "writes", to: "v1", timeout: "2s" },
  ],
  // `typemesh rollout start --service catalog` moves reads and writes from v1 to v2 in steps, and
  // rolls back on its own if v2 answers with errors or slowly.
  rollout: {
    to: "v2",
    steps: [10, 25, 50, 100],
    interval: "20s",
    gates: { minSuccessRate: 99, maxP99: "300ms", minRequests: 20 },
  },
  authorization: {
    allow: [
      // Anyone may read, including the legacy batch job that has no mesh identity yet.
      { methods: ["GET", "HEAD"], paths: ["/search", "/products/*"] },
      { from: [checkout] },
    ],
    // Nobody deletes products through the mesh, not even checkout: catalog admin runs out of band.
    deny: [{ methods: ["DELETE"] }],
  },
});
