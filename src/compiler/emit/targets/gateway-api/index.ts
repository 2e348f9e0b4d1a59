// The gateway-api target: GAMMA HTTPRoutes (one per service) and the ReferenceGrants cross-namespace
// mirrors need. Routing only: what Gateway API cannot say is reported, never dropped silently.
import type { EmitTarget } from "../target.ts";
import { renderResources } from "../shared/render.ts";
import { targetReport } from "../shared/report.ts";
import { reportRollout } from "../shared/rollout.ts";
import { gatewayHttpRoutes } from "./http-route.ts";
import { referenceGrants } from "./reference-grant.ts";
import { reportMeshLimits, reportServiceLimits } from "./service-limits.ts";

export const gatewayApiTarget: EmitTarget = {
  name: "gateway-api",
  description: "Gateway API HTTPRoutes in GAMMA mesh mode (routing only)",
  emit(ir) {
    const report = targetReport("gateway-api");
    reportMeshLimits(ir, report);
    const resources = ir.services.flatMap((service) => {
      reportServiceLimits(service, report);
      reportRollout(service, report);
      return gatewayHttpRoutes(ir, service, report);
    });
    return { files: renderResources([...resources, ...referenceGrants(ir)]), diagnostics: report.diagnostics };
  },
};
