// The demo mesh's workloads: which service versions `typemesh up` runs, each as a shop app behind its
// own sidecar. Matches the services declared in policies/.
export interface Workload {
  service: string;
  version: string;
}

export const DEMO_WORKLOADS: readonly Workload[] = [
  { service: "frontend", version: "v1" },
  { service: "checkout", version: "v1" },
  { service: "checkout", version: "v2" },
  { service: "catalog", version: "v1" },
  { service: "payments", version: "v1" },
  { service: "payments", version: "v2" },
  { service: "shopper", version: "v1" },
];
