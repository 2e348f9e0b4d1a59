// defineMesh: mesh-wide defaults. Exactly one policy file declares them.
import { registerDeclaration } from "./registry.ts";
import type { MtlsMode } from "./types.ts";

export interface MeshSpec {
  /** The SPIFFE trust domain: identities are spiffe://<trustDomain>/ns/<ns>/sa/<service>. */
  trustDomain: string;
  /** Default mTLS mode for services that do not choose one. */
  mtls: MtlsMode;
}

export interface MeshDefinition {
  readonly kind: "mesh";
  readonly spec: MeshSpec;
}

export function defineMesh(spec: MeshSpec): MeshDefinition {
  const definition: MeshDefinition = Object.freeze({ kind: "mesh", spec });
  registerDeclaration({ kind: "mesh", value: definition, site: new Error() });
  return definition;
}
