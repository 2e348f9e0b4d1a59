// Product catalog: read-mostly, so retries are safe; permissive mTLS while a legacy batch job still
// reads it in plaintext; a chaos header lets the demo inject faults on purpose.
import { defineService } from "typemesh";
import { checkout } from "./checkout.policy";

export const catalog = defineService({
  name: "catalog",
  namespace: "shop",
  port: 8080,
  versions: { v1: {} },
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
