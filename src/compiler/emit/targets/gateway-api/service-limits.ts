// What Gateway API (HTTPRoute) has no field for at the service level: circuit breaking, the balancing
// algorithm, mTLS modes and authorization. Each is reported once, where the policy declares it.
import type { MeshIR, ServiceIR } from "../../../ir/schema.ts";
import type { TargetReport } from "../shared/report.ts";

export function reportServiceLimits(service: ServiceIR, report: TargetReport): void {
  if (service.connectionLimits || service.outlierDetection) {
    const what = [service.connectionLimits && "connection limits", service.outlierDetection && "outlier detection"].filter(Boolean).join(" and ");
    report.report("TM3008", service.source, `${service.id} declares ${what}, which Gateway API cannot express: they are not applied on this target`, "emit the istio target, or configure them in your mesh implementation");
  }
  if (service.loadBalancer === "least-request") {
    report.report("TM3009", service.source, `${service.id} asks for least-request balancing, which Gateway API cannot choose: the implementation's default applies`);
  }
  const rules = [...service.authorization.deny, ...service.authorization.allow];
  if (rules.length > 0) {
    report.report("TM3010", rules[0]!.source, `${service.id} has ${rules.length} authorization rule(s), which Gateway API cannot express: none is enforced by these manifests`, "also emit the istio or linkerd target for authorization");
  }
}

export function reportMeshLimits(ir: MeshIR, report: TargetReport): void {
  if (ir.services.length === 0) return;
  report.report("TM3010", ir.mesh.source, `mTLS modes (mesh default ${ir.mesh.mtls}) cannot be expressed by Gateway API: mTLS is left to the mesh implementation`, "also emit the istio or linkerd target for mTLS");
}
