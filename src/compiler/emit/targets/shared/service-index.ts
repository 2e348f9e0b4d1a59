// Services by id, built once per IR: emitters look callers and mirror targets up for every rule, and a
// linear search per lookup would make a 1,000-service mesh quadratic.
import type { MeshIR, ServiceIR } from "../../../ir/schema.ts";

const indexes = new WeakMap<MeshIR, Map<string, ServiceIR>>();

export function serviceById(ir: MeshIR, id: string): ServiceIR | undefined {
  let index = indexes.get(ir);
  if (!index) {
    index = new Map(ir.services.map((s) => [s.id, s]));
    indexes.set(ir, index);
  }
  return index.get(id);
}
