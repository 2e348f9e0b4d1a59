// Applies rollouts' weights on top of a bundle's IR, for the views the proxies get. Routes that send to
// the stable version (alone or split with the new one) get the rollout's weights; routes that send
// elsewhere keep theirs. A canary header route goes first while a rollout is active. A finished
// rollout pins its final weights until a bundle changes the service (see controller.ts).
import type { MeshIR, RouteIR, ServiceIR } from "../../../compiler/ir/schema.ts";
import { isActive, type Rollout } from "./rollout.ts";

function reweight(route: RouteIR, rollout: Rollout): RouteIR {
  const versions = route.destinations.map((d) => d.version);
  // Routes that send to the stable version (alone or split with the new one) move; a route that already
  // sends only to the new version (testers) or anywhere else keeps its targets.
  const ours = versions.includes(rollout.from) && versions.every((v) => v === rollout.from || v === rollout.to);
  if (!ours) return route;
  const destinations = [
    { version: rollout.from, weight: 100 - rollout.weight },
    { version: rollout.to, weight: rollout.weight },
  ].filter((d) => d.weight > 0);
  return { ...route, destinations };
}

function overrideService(service: ServiceIR, rollout: Rollout): ServiceIR {
  // A service without routes balances over every version; under a rollout, over these two only.
  const declared: RouteIR[] = service.routes.length > 0
    ? service.routes
    : [{ name: "default", matches: [], destinations: [{ version: rollout.from, weight: 100 }], source: service.source }];
  const routes = declared.map((route) => reweight(route, rollout));
  const header = rollout.canaryHeader;
  if (header && isActive(rollout)) {
    routes.unshift({
      name: `rollout-${rollout.to}-header`,
      matches: [{ headers: [{ name: header.name, match: { kind: "exact", value: header.value } }], query: [] }],
      destinations: [{ version: rollout.to, weight: 100 }],
      source: service.source,
    });
  }
  return { ...service, routes };
}

export function applyRollouts(ir: MeshIR, rollouts: readonly Rollout[]): MeshIR {
  if (rollouts.length === 0) return ir;
  const byService = new Map(rollouts.map((r) => [r.service, r]));
  return { ...ir, services: ir.services.map((s) => (byService.has(s.id) ? overrideService(s, byService.get(s.id)!) : s)) };
}
