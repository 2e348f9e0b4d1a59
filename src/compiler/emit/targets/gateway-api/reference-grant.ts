// A mirror into another namespace is a cross-namespace backendRef, which Gateway API honours only when
// the target namespace grants it: one ReferenceGrant per (target namespace, source namespace), naming
// exactly the Services mirrored to.
import type { MeshIR } from "../../../ir/schema.ts";
import { mirrorBackend } from "../gamma/filters.ts";
import { resource, type Resource } from "../shared/resource.ts";

export function referenceGrants(ir: MeshIR): Resource[] {
  const grants = new Map<string, { to: string; from: string; services: Set<string> }>();
  for (const service of ir.services) {
    for (const route of service.routes) {
      if (!route.mirror || route.mirror.percent < 100) continue;
      const backend = mirrorBackend(ir, service, route.mirror);
      if (!backend?.namespace) continue;
      const key = `${backend.namespace}/${service.namespace}`;
      const grant = grants.get(key) ?? { to: backend.namespace, from: service.namespace, services: new Set<string>() };
      grant.services.add(backend.name);
      grants.set(key, grant);
    }
  }
  return [...grants.values()].map((g) => resource("gateway.networking.k8s.io/v1beta1", "ReferenceGrant",
    { name: `typemesh-mirrors-from-${g.from}`, namespace: g.to },
    {
      from: [{ group: "gateway.networking.k8s.io", kind: "HTTPRoute", namespace: g.from }],
      to: [...g.services].sort().map((name) => ({ group: "", kind: "Service", name })),
    }));
}
