// The demo mesh's workloads: which service versions `typemesh up` runs, each as a shop app behind its
// own sidecar. Matches the services declared in policies/.
import type { ShopAppBehaviour } from "./shop-app.ts";
export interface Workload {
  service: string;
  version: string;
  /** How a deliberately bad build misbehaves (shop-app.ts). */
  behaviour?: ShopAppBehaviour;
}

export const DEMO_WORKLOADS: readonly Workload[] = [
  { service: "frontend", version: "v1" },
  { service: "checkout", version: "v1" },
  // The canary is flaky: one cart read in five fails with 503, and the cart route's retries hide it.
  { service: "checkout", version: "v2", behaviour: { errorRate: 0.2, errorStatus: 503, failPaths: ["/cart"] } },
  { service: "catalog", version: "v1" },
  // The next catalog release, good (v2) and bad (v3: one answer in five fails), for `typemesh rollout`.
  { service: "catalog", version: "v2" },
  { service: "catalog", version: "v3", behaviour: { errorRate: 0.2 } },
  { service: "payments", version: "v1" },
  { service: "payments", version: "v2" },
  { service: "shopper", version: "v1" },
];
