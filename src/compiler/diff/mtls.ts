// mTLS modes before → after, mesh-wide and per service. strict → permissive lets plaintext clients
// (no identity, no encryption) reach the service: the weakening risks.ts turns into a banner.
import type { MeshIR, ServiceIR } from "../ir/schema.ts";
import type { Change } from "./report.ts";

export function weakened(before: string | undefined, after: string | undefined): boolean {
  return before === "strict" && after === "permissive";
}

export function diffMeshMtls(base: MeshIR, head: MeshIR): Change[] {
  const changes: Change[] = [];
  if (base.mesh.mtls !== head.mesh.mtls) {
    changes.push({ kind: "mtls", summary: `mesh-wide mTLS ${base.mesh.mtls} → ${head.mesh.mtls}`, ...(head.mesh.source && { location: head.mesh.source }) });
  }
  if (base.mesh.trustDomain !== head.mesh.trustDomain) {
    changes.push({ kind: "mtls", summary: `trust domain ${base.mesh.trustDomain} → ${head.mesh.trustDomain}: every workload identity changes`, ...(head.mesh.source && { location: head.mesh.source }) });
  }
  return changes;
}

export function diffServiceMtls(base: ServiceIR, head: ServiceIR): Change[] {
  if (base.mtls === head.mtls) return [];
  const note = weakened(base.mtls, head.mtls) ? ": plaintext clients are now accepted" : ": plaintext clients are now refused";
  return [{ kind: "mtls", location: head.source, summary: `mTLS ${base.mtls} → ${head.mtls}${note}` }];
}
