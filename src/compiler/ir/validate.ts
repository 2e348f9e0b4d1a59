// ajv over the MeshIR schema: the last gate before anything is emitted. A failure here is a compiler
// bug (the rules should have caught the input), so it is reported as one, with the path.
import { Ajv, type ValidateFunction } from "ajv";
import { MeshIR } from "./schema.ts";

let validate: ValidateFunction | undefined;

export function validateMeshIR(ir: unknown): string[] {
  validate ??= new Ajv({ allErrors: true, strict: false }).compile(MeshIR);
  if (validate(ir)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message ?? "is invalid"}`);
}
