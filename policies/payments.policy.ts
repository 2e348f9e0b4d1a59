// Payments: only checkout may charge; v2 receives a shadow copy of live traffic before any canary.
import { defineService } from "typemesh";
import { checkout } from "./checkout.policy";
import { frontend } from "./frontend.policy";

export const payments = defineService({
  name: "payments",
  namespace: "shop",
  port: 8080,
  versions: { v1: {}, v2: { labels: { track: "shadow" } } },
  connectionLimits: { maxConnections: 100, maxPendingRequests: 50, maxRequests: 200 },
  outlierDetection: { consecutive5xx: 5, interval: "10s", baseEjectionTime: "30s", maxEjectionPercent: 50 },
  routes: [
    {
      name: "refund-status",
      match: { path: { regex: "^/refunds/[0-9]+$" }, method: "GET" },
      to: "v1",
      timeout: "500ms",
    },
    {
      name: "charge",
      match: { path: { exact: "/charge" }, method: "POST", headers: { "idempotency-key": { regex: "^[0-9a-f-]{8,64}$" } } },
      to: "v1",
      timeout: "2s",
      // Safe only because payments deduplicates on the idempotency key the match requires.
      retries: { attempts: 2, perTryTimeout: "600ms", retryOn: ["connect-failure", "reset"], retryNonIdempotent: true },
      mirror: { to: () => payments.versions.v2, percent: 20 },
    },
    {
      name: "default",
      to: "v1",
      timeout: "1s",
    },
  ],
  authorization: {
    allow: [
      { from: [() => checkout], methods: ["POST"], paths: ["/charge"] },
      { from: [() => checkout], methods: ["GET"], paths: ["/refunds/*"] },
    ],
    deny: [{ from: [frontend] }],
  },
});
