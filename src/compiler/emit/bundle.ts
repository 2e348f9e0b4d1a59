// The bundle target: the control plane's input. Canonical JSON of the MeshIR under a version that is
// the content hash of that IR, so equal policy gives an equal version on every machine.
import type { MeshIR } from "../ir/schema.ts";
import { canonicalJson, contentHash } from "../ir/canonical-json.ts";

export interface Bundle {
  apiVersion: "typemesh.dev/v1";
  kind: "Bundle";
  /** First 16 hex digits of the SHA-256 of the canonical IR. */
  version: string;
  ir: MeshIR;
}

export function bundleVersion(ir: MeshIR): string {
  return contentHash(ir).slice(0, 16);
}

export function createBundle(ir: MeshIR): Bundle {
  return { apiVersion: "typemesh.dev/v1", kind: "Bundle", version: bundleVersion(ir), ir };
}

export function serializeBundle(bundle: Bundle): string {
  return canonicalJson(bundle);
}
