// The istio target: per service a VirtualService, a DestinationRule, a PeerAuthentication and its
// AuthorizationPolicies. Istio expresses nearly all of typemesh; the rest is reported.
import type { EmitTarget } from "../target.ts";
import { renderResources } from "../shared/render.ts";
import { targetReport } from "../shared/report.ts";
import { reportRollout } from "../shared/rollout.ts";
import { destinationRule } from "./destination-rule.ts";
import { authorizationPolicies, peerAuthentication } from "./security.ts";
import { virtualService } from "./virtual-service.ts";

export const istioTarget: EmitTarget = {
  name: "istio",
  description: "Istio VirtualService, DestinationRule, PeerAuthentication and AuthorizationPolicy",
  emit(ir, options) {
    const report = targetReport("istio");
    const resources = ir.services.flatMap((service) => {
      reportRollout(service, report);
      return [
        virtualService(ir, service, options.clusterDomain, report),
        destinationRule(service, options.clusterDomain, report),
        peerAuthentication(service),
        ...authorizationPolicies(ir, service),
      ];
    });
    return { files: renderResources(resources), diagnostics: report.diagnostics };
  },
};
