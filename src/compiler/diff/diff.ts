// The semantic differ: two MeshIRs in, the policy part of an ImpactReport out (what changed, what is
// risky, who may call whom, who is affected). The plan command adds the sides, live traffic and replay.
import type { MeshIR } from "../ir/schema.ts";
import { authzMatrix } from "./authz.ts";
import { blastRadius } from "./blast-radius.ts";
import { emitLimits } from "./emit-limits.ts";
import { diffMeshMtls } from "./mtls.ts";
import type { ImpactReport, ServiceImpact } from "./report.ts";
import { computeRisks } from "./risks.ts";
import { diffService } from "./service.ts";

export type MeshDiff = Pick<ImpactReport, "verdict" | "headline" | "counts" | "risks" | "mesh" | "services" | "authz" | "blastRadius" | "emitLimits">;

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

export function diffMeshes(base: MeshIR, head: MeshIR): MeshDiff {
  const before = new Map(base.services.map((s) => [s.id, s]));
  const after = new Map(head.services.map((s) => [s.id, s]));
  const ids = [...new Set([...before.keys(), ...after.keys()])].sort();
  const services: ServiceImpact[] = [];
  const counts = { servicesAdded: 0, servicesRemoved: 0, servicesChanged: 0, routesAdded: 0, routesRemoved: 0, routesChanged: 0 };
  for (const id of ids) {
    const { impact, routes } = diffService(before.get(id), after.get(id));
    if (!impact) continue;
    services.push(impact);
    if (impact.status === "added") counts.servicesAdded++;
    else if (impact.status === "removed") counts.servicesRemoved++;
    else {
      counts.servicesChanged++;
      counts.routesAdded += routes.added;
      counts.routesRemoved += routes.removed;
      counts.routesChanged += routes.changed;
    }
  }
  const mesh = diffMeshMtls(base, head);
  const { matrix, accesses } = authzMatrix(base, head);
  const touched = new Set(services.map((s) => s.id));
  const headLimits = emitLimits(head, touched);
  const risks = computeRisks(base, head, accesses, touched, headLimits);
  const changed = services.length > 0 || mesh.length > 0;
  return {
    verdict: changed ? "change" : "no-change",
    headline: changed ? headline(counts, mesh.length, risks.length) : "No changes: the policies compile to the same mesh.",
    counts, risks, mesh, services, authz: matrix,
    blastRadius: blastRadius(base, head, services),
    // Only the changed services' limits: the rest of the mesh is as expressible as it was.
    emitLimits: headLimits.map(({ diagnostic: _d, ...limit }) => limit),
  };
}

/** The one-line verdict; plan calls it again when live figures add risks. */
export function headline(c: MeshDiff["counts"], meshChanges: number, risks: number): string {
  const parts = [
    c.servicesChanged && `${plural(c.servicesChanged, "service")} changed`,
    c.servicesAdded && `${plural(c.servicesAdded, "service")} added`,
    c.servicesRemoved && `${plural(c.servicesRemoved, "service")} removed`,
    meshChanges && `${plural(meshChanges, "mesh-wide change")}`,
  ].filter(Boolean);
  const routes = [
    c.routesAdded && `${c.routesAdded} added`, c.routesRemoved && `${c.routesRemoved} removed`, c.routesChanged && `${c.routesChanged} changed`,
  ].filter(Boolean);
  return `${parts.join(", ")}${routes.length ? `; routes: ${routes.join(", ")}` : ""}. ${risks ? `⚠ ${plural(risks, "risk")} to review.` : "No risks found."}`;
}
