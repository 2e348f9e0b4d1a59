// The proxy's identity and authorization metrics, on the proxy's own registry (Linkerd exposes the
// expiry as identity_cert_expiration_timestamp_seconds for alerting; this is the same figure).
import { Counter, Gauge, type Registry } from "prom-client";

export class IdentityMetrics {
  readonly certExpiry: Gauge;
  readonly certRenewals: Counter<"outcome">;
  readonly state: Gauge<"state">;
  readonly denials: Counter<"source_workload" | "destination_service" | "reason">;

  constructor(registry: Registry) {
    this.certExpiry = new Gauge({
      name: "typemesh_proxy_identity_cert_expiration_timestamp_seconds",
      help: "When this proxy's workload certificate expires (0 while it has none).", registers: [registry],
    });
    this.certRenewals = new Counter({
      name: "typemesh_proxy_identity_cert_renewals_total",
      help: "Certificates requested from the control plane, by outcome (issued, refused).", labelNames: ["outcome"], registers: [registry],
    });
    this.state = new Gauge({
      name: "typemesh_proxy_identity_state",
      help: "1 for the proxy's identity state: disabled (no mTLS), pending, ready or expired.", labelNames: ["state"], registers: [registry],
    });
    this.denials = new Counter({
      name: "typemesh_proxy_authorization_denials_total",
      help: "Inbound requests refused by authorization or by strict mTLS, by caller and reason.",
      labelNames: ["source_workload", "destination_service", "reason"], registers: [registry],
    });
  }
}
