// The demo mesh's workloads: which service versions `typemesh up` runs, each as a shop app behind its
// own sidecar. Matches the services declared in policies/.
export interface Workload {
  service: string;
  version: string;
  /** How a deliberately bad build misbehaves (shop-app.ts). */
  behaviour?: { errorRate?: number; delayMs?: number };
}

export const DEMO_WORKLOADS: readonly Workload[] = [
  { service: "frontend", version: "v1" },
  { service: "checkout", version: "v1" },
  { service: "checkout", version: "v2" },
  { service: "catalog", version: "v1" },
  // The next catalog release, good (v2) and bad (v3: one answer in five fails), for `typemesh rollout`.
  { service: "catalog", version: "v2" },
  { service: "catalog", version: "v3", behaviour: { errorRate: 0.2 } },
  { service: "payments", version: "v1" },
  { service: "payments", version: "v2" },
  { service: "shopper", version: "v1" },
];
