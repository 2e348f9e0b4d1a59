// The impact summary of one bundle change, for the Changes view: plan's semantic differ
// (src/compiler/diff/diffMeshes, the ImpactReport `typemesh plan` renders) cut to what a history entry
// shows — verdict, headline, risks, mesh-wide and per-service changes. The authz matrix, blast radius
// and route tables stay with `plan`; the page links each version to nothing heavier than this.
import { diffMeshes } from "../../../compiler/diff/diff.ts";
import type { MeshIR } from "../../../compiler/ir/schema.ts";

export interface ImpactSummary {
  /** "first": nothing before it to compare with. */
  verdict: "first" | "no-change" | "change";
  headline: string;
  risks: { code: string; service: string; route?: string; message: string }[];
  /** Mesh-wide changes (default mTLS mode, trust domain). */
  mesh: string[];
  services: { id: string; status: "added" | "removed" | "changed"; changes: { kind: string; route?: string; summary: string }[] }[];
}

export function impactOf(base: MeshIR | undefined, head: MeshIR): ImpactSummary {
  if (!base) {
    const n = head.services.length;
    return {
      verdict: "first", headline: `First bundle: ${n} service${n === 1 ? "" : "s"}.`,
      risks: [], mesh: [], services: head.services.map((s) => ({ id: s.id, status: "added", changes: [] })),
    };
  }
  const diff = diffMeshes(base, head);
  return {
    verdict: diff.verdict === "change" ? "change" : "no-change",
    headline: diff.headline,
    risks: diff.risks.map(({ code, service, route, message }) => ({ code, service, ...(route !== undefined && { route }), message })),
    mesh: diff.mesh.map((c) => c.summary),
    services: diff.services.map(({ id, status, changes }) => ({
      id, status, changes: changes.map(({ kind, route, summary }) => ({ kind, ...(route !== undefined && { route }), summary })),
    })),
  };
}
