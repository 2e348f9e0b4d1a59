// Blast radius from the policies: for each service that changed, who calls it. Callers are the
// services its allow rules name (minus those its deny rules shut out entirely), plus services whose
// routes mirror into it; a service without allow rules may be called by any workload.
import type { MeshIR, ServiceIR } from "../ir/schema.ts";
import type { BlastRadiusEntry, ServiceImpact } from "./report.ts";

function callersOf(service: ServiceIR, ir: MeshIR): { callers: string[]; anyCaller: boolean } {
  const { allow, deny } = service.authorization;
  const anyCaller = allow.length === 0 || allow.some((r) => !r.from);
  const shutOut = new Set(deny.filter((r) => r.from && !r.methods && !r.paths).flatMap((r) => r.from!));
  const named = anyCaller ? [] : allow.flatMap((r) => r.from ?? []);
  const mirrors = ir.services.filter((s) => s.routes.some((r) => r.mirror?.service === service.id)).map((s) => s.id);
  const callers = [...new Set([...named, ...mirrors])].filter((id) => !shutOut.has(id) && id !== service.id).sort();
  return { callers, anyCaller };
}

export function blastRadius(base: MeshIR, head: MeshIR, services: readonly ServiceImpact[]): BlastRadiusEntry[] {
  const find = (ir: MeshIR, id: string) => ir.services.find((s) => s.id === id);
  return services.map((impact) => {
    const ir = impact.status === "removed" ? base : head;
    return { service: impact.id, ...callersOf(find(ir, impact.id)!, ir) };
  });
}
