// What the Kubernetes emit targets cannot express, as the emitters themselves report it (TM3xxx
// warnings), for the services a change touches. Emitting is done on a small mesh of just those services
// and what they refer to, so a plan of one service in a thousand stays cheap.
import { emitTarget, targetNames } from "../emit/targets/index.ts";
import type { MeshIR, ServiceIR } from "../ir/schema.ts";
import type { Risk } from "./report.ts";

/** Codes for a feature a target drops entirely (faults, mirrors, retries, breakers, authorization):
 * banners when a change introduces them. The rest (different semantics, ignored settings) are listed only. */
export const DROPPED_FEATURE_CODES = new Set(["TM3001", "TM3002", "TM3003", "TM3008", "TM3010"]);

function referenced(service: ServiceIR): string[] {
  return [
    ...service.routes.flatMap((r) => (r.mirror ? [r.mirror.service] : [])),
    ...[...service.authorization.allow, ...service.authorization.deny].flatMap((r) => r.from ?? []),
  ];
}

/** The services in `ids`, plus the ones they refer to, so that emitters see every reference resolve. */
function subMesh(ir: MeshIR, ids: ReadonlySet<string>): MeshIR {
  const keep = new Set(ids);
  for (const s of ir.services) if (ids.has(s.id)) referenced(s).forEach((id) => keep.add(id));
  return { ...ir, services: ir.services.filter((s) => keep.has(s.id)) };
}

/** The emit-target limits of the services in `ids` (all services when absent); mesh-wide ones as "(mesh)". */
export function emitLimits(ir: MeshIR, ids?: ReadonlySet<string>): (Risk & { diagnostic: string })[] {
  const mesh = ids ? subMesh(ir, ids) : ir;
  const known = mesh.services.map((s) => s.id).sort((a, b) => b.length - a.length);
  const out: (Risk & { diagnostic: string })[] = [];
  for (const target of targetNames) {
    let diagnostics;
    try {
      diagnostics = emitTarget(target, mesh).diagnostics;
    } catch {
      continue; // an emitter's own failure is for `typemesh build` to report, not a plan's
    }
    for (const d of diagnostics) {
      const service = known.find((id) => d.message.includes(id)) ?? "(mesh)";
      if (ids && !ids.has(service)) continue;
      out.push({ code: "emit-unsupported", diagnostic: d.code, service, message: d.message, ...(d.location && { location: d.location }) });
    }
  }
  return out;
}
