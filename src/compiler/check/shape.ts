// Validates each declaration's shape with ajv before the rules read it (TM1024).
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import type { Diagnostic } from "../diagnostics/diagnostic.ts";
import { locate, type DeclarationSite } from "../load/locate.ts";
import { MeshSpecShape, ServiceSpecShape } from "./spec-shape.ts";

const ajv = new Ajv({ allErrors: true, strict: false });
let validators: { service: ValidateFunction; mesh: ValidateFunction } | undefined;

function compiled() {
  validators ??= { service: ajv.compile(ServiceSpecShape), mesh: ajv.compile(MeshSpecShape) };
  return validators;
}

function describe(error: ErrorObject): { path: string[]; message: string } {
  const path = error.instancePath.split("/").slice(1).map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"));
  const field = path.length ? path.join(".") : "declaration";
  if (error.keyword === "additionalProperties") {
    const extra = String((error.params as { additionalProperty: string }).additionalProperty);
    return { path: [...path, extra], message: `unknown field "${extra}" in ${field}` };
  }
  if (error.keyword === "required") {
    return { path, message: `${field} is missing required field "${String((error.params as { missingProperty: string }).missingProperty)}"` };
  }
  return { path, message: `${field} ${error.message ?? "is invalid"}` };
}

/** Diagnostics for a declaration's shape; empty when the rules may read it. */
export function checkShape(kind: "service" | "mesh", spec: unknown, site: DeclarationSite): Diagnostic[] {
  const validate = compiled()[kind];
  if (validate(spec)) return [];
  // Union branches repeat themselves in ajv's output; one message per path and text is enough.
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  for (const error of validate.errors ?? []) {
    if (error.keyword === "anyOf" || error.keyword === "oneOf") continue;
    const { path, message } = describe(error);
    const key = `${path.join("/")}|${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ code: "TM1024", severity: "error", message: `${kind} ${message}`, location: locate(site, path) });
  }
  return out.slice(0, 10);
}
