// Hand-made declarations for the rule tests: a service or mesh as the shape check would pass it on,
// and one rule run over them. A declaration's site can give value paths lines of their own, so that
// a test can tell which part of the spec a diagnostic points at.
import type { Diagnostic } from "../../diagnostics/diagnostic.ts";
import type { DeclarationSite } from "../../load/declaration-site.ts";
import { createContext, type CheckedMesh, type CheckedService } from "../context.ts";
import type { Rule } from "../rule.ts";
import type { MeshSpecData, ServiceSpecData } from "../spec-shape.ts";

/** A site at x.policy.ts:1; `lines` maps value paths ("routes/0/split") to lines of their own. */
export function site(lines: Record<string, number> = {}, file = "x.policy.ts"): DeclarationSite {
  const locations = Object.fromEntries(Object.entries(lines).map(([path, line]) => [path, { file, line, column: 1 }]));
  return { at: { file, line: 1, column: 1 }, locations };
}

/** A service named checkout in namespace shop with one version v1, unless the spec says otherwise. */
export function service(spec: Partial<ServiceSpecData> = {}, at: DeclarationSite = site()): CheckedService {
  const full: ServiceSpecData = { name: "checkout", namespace: "shop", port: 8080, versions: { v1: {} }, ...spec };
  return { key: `${full.namespace ?? "default"}/${full.name}`, spec: full, site: at };
}

export function mesh(spec: Partial<MeshSpecData> = {}, at: DeclarationSite = site({}, "mesh.policy.ts")): CheckedMesh {
  return { spec: { trustDomain: "shop.local", mtls: "strict", ...spec }, site: at };
}

/** The diagnostics one rule reports; the mesh defaults are declared unless `meshes` says otherwise. */
export function runRule(rule: Rule, services: CheckedService[], meshes: CheckedMesh[] = [mesh()]): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  rule.check(createContext(meshes, services, diagnostics));
  return diagnostics;
}

/** A reference to a service (or one of its versions), as it comes out of the sandbox. */
export function ref(key: string, version?: string): { $service: string; $version?: string } {
  return version === undefined ? { $service: key } : { $service: key, $version: version };
}
