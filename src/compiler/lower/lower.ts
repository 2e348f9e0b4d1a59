// The lower phase: checked declarations → canonical MeshIR. Runs only when the check found no error,
// so it may rely on every rule having held. Services are sorted by id; everything inside keeps the
// order the author gave where order means something (routes, split keys) and is sorted where not.
import type { CheckedMesh, CheckedService } from "../check/context.ts";
import type { AuthzRuleSpec } from "../check/spec-shape.ts";
import { locate } from "../load/declaration-site.ts";
import type { AuthzRuleIR, HttpMethodIR, MeshIR, ServiceIR } from "../ir/schema.ts";
import { parseDuration } from "../units.ts";
import { lowerRoute } from "./lower-route.ts";
import { stableVersionOf, stepsOf } from "../check/rollout-plan.ts";

export const DEFAULT_MESH = { trustDomain: "cluster.local", mtls: "strict" } as const;

export function spiffeId(trustDomain: string, namespace: string, name: string): string {
  return `spiffe://${trustDomain}/ns/${namespace}/sa/${name}`;
}

function lowerAuthz(rules: AuthzRuleSpec[] | undefined, at: (i: number) => ServiceIR["source"]): AuthzRuleIR[] {
  return (rules ?? []).map((rule, i) => ({
    ...(rule.from && { from: [...new Set(rule.from.map((ref) => ref.$service ?? ""))].sort() }),
    ...(rule.methods && { methods: [...new Set(rule.methods)].sort() as HttpMethodIR[] }),
    ...(rule.paths && { paths: [...new Set(rule.paths)].sort() }),
    source: at(i),
  }));
}

/** One service's IR: reads the service's declaration and, of the mesh, only its trust domain and mTLS mode. */
export function lowerService(service: CheckedService, mesh: MeshIR["mesh"]): ServiceIR {
  const { spec, site } = service;
  const namespace = spec.namespace ?? "default";
  const outlier = spec.outlierDetection;
  const limits = spec.connectionLimits;
  return {
    id: service.key,
    name: spec.name,
    namespace,
    port: spec.port,
    identity: spiffeId(mesh.trustDomain, namespace, spec.name),
    mtls: spec.mtls ?? mesh.mtls,
    loadBalancer: spec.loadBalancer ?? "round-robin",
    versions: Object.entries(spec.versions)
      .map(([name, v]) => ({ name, labels: Object.fromEntries(Object.entries({ version: name, ...v.labels }).sort()) }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    routes: (spec.routes ?? []).map((route, i) => lowerRoute(route, i, (path) => locate(site, path))),
    ...(limits && Object.keys(limits).length > 0 && { connectionLimits: Object.fromEntries(Object.entries(limits).sort()) }),
    ...(outlier && {
      outlierDetection: {
        consecutive5xx: outlier.consecutive5xx,
        intervalMs: parseDuration(outlier.interval) ?? 0,
        baseEjectionTimeMs: parseDuration(outlier.baseEjectionTime) ?? 0,
        maxEjectionPercent: outlier.maxEjectionPercent,
      },
    }),
    authorization: {
      allow: lowerAuthz(spec.authorization?.allow, (i) => locate(site, ["authorization", "allow", i])),
      deny: lowerAuthz(spec.authorization?.deny, (i) => locate(site, ["authorization", "deny", i])),
    },
    ...(spec.rollout && {
      rollout: {
        to: spec.rollout.to,
        from: stableVersionOf(spec, spec.rollout)!,
        steps: stepsOf(spec.rollout),
        intervalMs: parseDuration(spec.rollout.interval)!,
        gates: {
          ...(spec.rollout.gates.minSuccessRate !== undefined && { minSuccessRate: spec.rollout.gates.minSuccessRate }),
          ...(spec.rollout.gates.maxP99 !== undefined && { maxP99Ms: parseDuration(spec.rollout.gates.maxP99)! }),
          minRequests: spec.rollout.gates.minRequests ?? 20,
        },
        failureThreshold: spec.rollout.failureThreshold ?? 0,
        ...(spec.rollout.canaryHeader && { canaryHeader: { name: spec.rollout.canaryHeader.name.toLowerCase(), value: spec.rollout.canaryHeader.value } }),
        source: locate(site, ["rollout"]),
      },
    }),
    source: site.at,
  };
}

/** The mesh defaults: the first declaration's (more than one is TM1015), or the built-in ones. */
export function lowerMeshDefaults(meshes: CheckedMesh[]): MeshIR["mesh"] {
  const declared = meshes[0];
  return declared
    ? { trustDomain: declared.spec.trustDomain, mtls: declared.spec.mtls, source: declared.site.at }
    : { ...DEFAULT_MESH };
}

export const byId = (a: ServiceIR, b: ServiceIR): number => a.id.localeCompare(b.id);

export function lowerMesh(meshes: CheckedMesh[], services: CheckedService[]): MeshIR {
  const mesh = lowerMeshDefaults(meshes);
  return {
    apiVersion: "typemesh.dev/v1",
    mesh,
    services: services.map((s) => lowerService(s, mesh)).sort(byId),
  };
}
