// The linkerd target: outbound HTTPRoutes (routing, retries and timeouts by annotation) and inbound
// policy (Server, AuthorizationPolicy, MeshTLSAuthentication, NetworkAuthentication, inbound HTTPRoutes).
import type { EmitTarget } from "../target.ts";
import { renderResources } from "../shared/render.ts";
import { targetReport } from "../shared/report.ts";
import { reportRollout } from "../shared/rollout.ts";
import { linkerdAuthorization } from "./authorization.ts";
import { linkerdHttpRoutes } from "./http-route.ts";
import { reportServiceLimits } from "./service-limits.ts";

export const linkerdTarget: EmitTarget = {
  name: "linkerd",
  description: "Linkerd HTTPRoutes (policy.linkerd.io) with retry/timeout annotations, Server and authorization policy",
  emit(ir) {
    const report = targetReport("linkerd");
    const resources = ir.services.flatMap((service) => {
      reportServiceLimits(service, report);
      reportRollout(service, report);
      const routes = linkerdHttpRoutes(ir, service, report);
      const taken = new Set(routes.map((r) => r.metadata.name));
      return [...routes, ...linkerdAuthorization(ir, service, report, taken)];
    });
    return { files: renderResources(resources), diagnostics: report.diagnostics };
  },
};
