// The lowering for a session's re-checks: the same IR as lowerMesh (lower.ts), but a service is lowered
// again only when its declaration (spec and site, the same objects while unchanged) or the mesh
// defaults it reads changed; and the sort by id is redone only when the ids changed.
import type { CheckedMesh, CheckedService } from "../check/context.ts";
import type { DeclarationSite } from "../load/declaration-site.ts";
import type { MeshIR, ServiceIR } from "../ir/schema.ts";
import { byId, lowerMeshDefaults, lowerService } from "./lower.ts";

interface LoweredEntry {
  site: DeclarationSite;
  /** What lowerService reads of the mesh. */
  trustDomain: string;
  mtls: string;
  ir: ServiceIR;
}

export interface LowerStats {
  servicesLowered: number;
  servicesReused: number;
  /** The whole MeshIR was the last one: nothing in it changed. */
  meshReused: boolean;
}

export interface LowerCache {
  services: WeakMap<object, LoweredEntry>;
  /** The last sort: the services' ids in declaration order, and the order that sorts them. */
  sorted?: { ids: string[]; order: number[] };
  /** The last MeshIR and the mesh declaration its defaults came from. */
  last?: { declared?: CheckedMesh; ir: MeshIR };
  stats: LowerStats;
}

export function createLowerCache(): LowerCache {
  return { services: new WeakMap(), stats: { servicesLowered: 0, servicesReused: 0, meshReused: false } };
}

function lowered(service: CheckedService, mesh: MeshIR["mesh"], cache: LowerCache): ServiceIR {
  const cached = cache.services.get(service.spec);
  if (cached?.site === service.site && cached.trustDomain === mesh.trustDomain && cached.mtls === mesh.mtls) {
    cache.stats.servicesReused++;
    return cached.ir;
  }
  cache.stats.servicesLowered++;
  const ir = lowerService(service, mesh);
  cache.services.set(service.spec, { site: service.site, trustDomain: mesh.trustDomain, mtls: mesh.mtls, ir });
  return ir;
}

/** The permutation sorting services by id; it depends on the ids alone (the sort is stable). */
function sortOrder(services: ServiceIR[], cache: LowerCache): number[] {
  const ids = services.map((s) => s.id);
  const previous = cache.sorted;
  if (previous && previous.ids.length === ids.length && previous.ids.every((id, i) => id === ids[i])) return previous.order;
  const order = ids.map((_, i) => i).sort((a, b) => byId(services[a]!, services[b]!));
  cache.sorted = { ids, order };
  return order;
}

const sameDeclaration = (a: CheckedMesh | undefined, b: CheckedMesh | undefined) => a?.spec === b?.spec && a?.site === b?.site;

export function lowerMeshCached(meshes: CheckedMesh[], services: CheckedService[], cache: LowerCache): MeshIR {
  cache.stats = { servicesLowered: 0, servicesReused: 0, meshReused: false };
  const last = cache.last;
  const declared = meshes[0];
  const mesh = last && sameDeclaration(last.declared, declared) ? last.ir.mesh : lowerMeshDefaults(meshes);
  const inOrder = services.map((service) => lowered(service, mesh, cache));
  const sorted = sortOrder(inOrder, cache).map((i) => inOrder[i]!);
  if (last && last.ir.mesh === mesh && last.ir.services.length === sorted.length && last.ir.services.every((s, i) => s === sorted[i])) {
    cache.stats.meshReused = true;
    return last.ir;
  }
  const ir: MeshIR = { apiVersion: "typemesh.dev/v1", mesh, services: sorted };
  cache.last = { ...(declared && { declared }), ir };
  return ir;
}
