// Service-level features Linkerd's policy resources have no field for. Linkerd balances by latency
// (EWMA), which covers least-request; connection limits have no equivalent, and outlier detection is
// failure accrual configured by annotations on the Service, which typemesh does not emit.
import type { ServiceIR } from "../../../ir/schema.ts";
import type { TargetReport } from "../shared/report.ts";

export function reportServiceLimits(service: ServiceIR, report: TargetReport): void {
  if (service.connectionLimits) {
    report.report("TM3008", service.source, `${service.id} declares connection limits, which Linkerd cannot express: they are not applied on this target`, "emit the istio target to keep circuit breaking");
  }
  if (service.outlierDetection) {
    report.report("TM3008", service.source, `${service.id} declares outlier detection, which Linkerd configures on the Service: not applied by these manifests`,
      `annotate the Service with balancer.linkerd.io/failure-accrual: consecutive and balancer.linkerd.io/failure-accrual-consecutive-max-failures: "${service.outlierDetection.consecutive5xx}"`);
  }
}
