// PeerAuthentication (the service's mTLS mode) and AuthorizationPolicy. typemesh's allow and deny rules
// become two policies, `<service>-allow` (ALLOW) and `<service>-deny` (DENY), because Istio evaluates by
// action: any matching DENY denies; then, if ALLOW policies exist, only a matching one allows — the
// semantics typemesh copies. Callers are principals `<trust-domain>/ns/<namespace>/sa/<name>`.
import type { AuthzRuleIR, MeshIR, ServiceIR } from "../../../ir/schema.ts";
import { principalOf, workloadSelector } from "../shared/names.ts";
import { resource, type Resource } from "../shared/resource.ts";
import { serviceById } from "../shared/service-index.ts";

const ISTIO_SECURITY = "security.istio.io/v1beta1";

export function peerAuthentication(service: ServiceIR): Resource {
  return resource(ISTIO_SECURITY, "PeerAuthentication", { name: service.name, namespace: service.namespace }, {
    selector: { matchLabels: workloadSelector(service) },
    mtls: { mode: service.mtls === "strict" ? "STRICT" : "PERMISSIVE" },
  });
}

/** A caller's principal: its identity from the IR, or the trust domain's convention if unknown. */
export function principal(ir: MeshIR, callerId: string): string {
  const caller = serviceById(ir, callerId);
  if (caller) return principalOf(caller.identity);
  const [namespace, name] = callerId.split("/");
  return `${ir.mesh.trustDomain}/ns/${namespace}/sa/${name}`;
}

function rule(ir: MeshIR, r: AuthzRuleIR): Record<string, unknown> {
  const operation = { ...(r.methods && { methods: r.methods }), ...(r.paths && { paths: r.paths }) };
  return {
    ...(r.from && { from: [{ source: { principals: r.from.map((id) => principal(ir, id)) } }] }),
    ...(Object.keys(operation).length > 0 && { to: [{ operation }] }),
  };
}

export function authorizationPolicies(ir: MeshIR, service: ServiceIR): Resource[] {
  const policies: [string, "ALLOW" | "DENY", AuthzRuleIR[]][] = [["deny", "DENY", service.authorization.deny], ["allow", "ALLOW", service.authorization.allow]];
  return policies
    .filter(([, , rules]) => rules.length > 0)
    .map(([suffix, action, rules]) => resource(ISTIO_SECURITY, "AuthorizationPolicy", { name: `${service.name}-${suffix}`, namespace: service.namespace }, {
      selector: { matchLabels: workloadSelector(service) },
      action,
      rules: rules.map((r) => rule(ir, r)),
    }));
}
