// The demo's traffic generator: a workload in the mesh (so it has an identity and a sidecar) that only
// calls others and receives no traffic of its own.
import { defineService } from "typemesh";

export const shopper = defineService({
  name: "shopper",
  namespace: "shop",
  port: 8080,
  versions: { v1: {} },
});
