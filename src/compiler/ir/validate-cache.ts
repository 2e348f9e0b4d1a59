// The IR validation for a session's re-checks: the same answer as validateMeshIR (validate.ts), but a
// service's IR is validated once per object — the lowering cache hands unchanged services over as the
// same (never mutated) objects. The MeshIR schema puts nothing on its services beyond each item being a
// ServiceIR, so the MeshIR holds exactly when its top level does (services only checked to be an array)
// and every service does.
import { Ajv, type ValidateFunction } from "ajv";
import { MeshIR, ServiceIR } from "./schema.ts";
import { validateMeshIR } from "./validate.ts";

export interface ValidateStats {
  servicesValidated: number;
  servicesReused: number;
}

export interface ValidateCache {
  /** Service IR objects that passed. */
  valid: WeakSet<object>;
  stats: ValidateStats;
}

export function createValidateCache(): ValidateCache {
  return { valid: new WeakSet(), stats: { servicesValidated: 0, servicesReused: 0 } };
}

let validators: { topLevel: ValidateFunction; service: ValidateFunction } | undefined;

function compiled() {
  if (validators) return validators;
  const ajv = new Ajv({ allErrors: true, strict: false });
  // The MeshIR schema without its $id (one per Ajv instance) and with its services left to the other.
  const { $id: _, ...mesh } = MeshIR;
  const topLevel = { ...mesh, properties: { ...mesh.properties, services: { type: "array" } } };
  validators = { topLevel: ajv.compile(topLevel), service: ajv.compile(ServiceIR) };
  return validators;
}

export function validateMeshIRCached(ir: MeshIR, cache: ValidateCache): string[] {
  cache.stats = { servicesValidated: 0, servicesReused: 0 };
  const { topLevel, service } = compiled();
  let holds = topLevel(ir);
  if (holds) {
    for (const s of ir.services) {
      if (cache.valid.has(s)) {
        cache.stats.servicesReused++;
        continue;
      }
      cache.stats.servicesValidated++;
      if (service(s)) cache.valid.add(s);
      else holds = false;
    }
  }
  // A failure is a compiler bug: say it exactly as the whole schema's validation does.
  return holds ? [] : validateMeshIR(ir);
}
