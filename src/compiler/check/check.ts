// The check phase: shapes first, then every rule over the declarations whose shape holds.
import type { Diagnostic } from "../diagnostics/diagnostic.ts";
import { serviceKey, type PolicyGraph } from "../load/policy-graph.ts";
import { createContext, type CheckedMesh, type CheckedService } from "./context.ts";
import { rules } from "./rules/index.ts";
import { checkShape } from "./shape.ts";
import type { MeshSpecData, ServiceSpecData } from "./spec-shape.ts";

export interface CheckResult {
  diagnostics: Diagnostic[];
  /** The declarations that passed the shape check, for the lowering. */
  services: CheckedService[];
  meshes: CheckedMesh[];
}

export function checkGraph(graph: PolicyGraph): CheckResult {
  const diagnostics: Diagnostic[] = [];
  const services: CheckedService[] = [];
  const meshes: CheckedMesh[] = [];
  for (const declaration of graph.services) {
    const found = checkShape("service", declaration.spec, declaration.site);
    diagnostics.push(...found);
    if (found.length === 0) {
      services.push({ key: serviceKey(declaration.spec), spec: declaration.spec as unknown as ServiceSpecData, site: declaration.site });
    }
  }
  for (const declaration of graph.meshes) {
    const found = checkShape("mesh", declaration.spec, declaration.site);
    diagnostics.push(...found);
    if (found.length === 0) meshes.push({ spec: declaration.spec as unknown as MeshSpecData, site: declaration.site });
  }
  const context = createContext(meshes, services, diagnostics);
  for (const rule of rules) rule.check(context);
  return { diagnostics, services, meshes };
}
