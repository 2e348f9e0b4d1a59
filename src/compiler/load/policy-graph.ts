// The PolicyGraph: what the policy modules declared, as plain values, with the source location of
// every part. Values are exactly what the sandbox produced (untrusted: `as any` can put anything
// anywhere), so the check rules validate shapes before the lowering trusts them.
import type { SourceLocation } from "../diagnostics/diagnostic.ts";
import type { DeclarationSite } from "./declaration-site.ts";

/** A reference to another service (or one version of it), as it comes out of the sandbox. */
export interface RawRef {
  $service?: string;
  $version?: string;
  $invalid?: string;
}

export interface ServiceDeclaration {
  /** Untrusted spec, in the shape of the DSL's ServiceSpec with references as RawRef. */
  spec: Record<string, unknown>;
  site: DeclarationSite;
}

export interface MeshDeclaration {
  spec: Record<string, unknown>;
  site: DeclarationSite;
}

export interface PolicyGraph {
  /** Absolute path of the policies directory. */
  root: string;
  /** Policy files, relative to root. */
  files: string[];
  meshes: MeshDeclaration[];
  services: ServiceDeclaration[];
}

export function serviceKey(spec: Record<string, unknown>): string {
  return `${typeof spec.namespace === "string" ? spec.namespace : "default"}/${String(spec.name)}`;
}

export type { SourceLocation };
