// A declared rollout is run by typemesh's control plane, stepping weights in its own bundles. Kubernetes
// targets get the weights as declared; something else (Flagger, Argo Rollouts) must do the stepping.
import type { ServiceIR } from "../../../ir/schema.ts";
import type { TargetReport } from "./report.ts";

export function reportRollout(service: ServiceIR, report: TargetReport): void {
  if (!service.rollout) return;
  report.report("TM3014", service.rollout.source,
    `${service.id} declares a rollout to ${service.rollout.to}, which typemesh's control plane runs; these manifests carry the declared weights only`,
    "drive the rollout with your cluster's progressive-delivery tool, or run typemesh's control plane");
}
