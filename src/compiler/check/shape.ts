// Validates each declaration's shape with ajv before the rules read it (TM1024).
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import type { Diagnostic } from "../diagnostics/diagnostic.ts";
import { locate, type DeclarationSite } from "../load/declaration-site.ts";
import { MeshSpecShape, RefShape, ServiceSpecShape } from "./spec-shape.ts";

// verbose: errors carry the offending value and its schema, so messages can say what was found.
const ajv = new Ajv({ allErrors: true, strict: false, verbose: true });
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
  if (error.keyword === "type" && error.parentSchema === RefShape) {
    // `from: [() => "frontend"]` type-checks (a lazy reference returns void), so this is where it surfaces.
    return { path, message: `${field} must be a service reference (an imported service, one of its versions, or a function returning one), not ${shown(error.data)}` };
  }
  if (error.keyword === "type") {
    return { path, message: `${field} must be ${String((error.params as { type: string }).type)}, not ${shown(error.data)}` };
  }
  return { path, message: `${field} ${error.message ?? "is invalid"}` };
}

function shown(value: unknown): string {
  if (typeof value === "string") return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (value === null || typeof value === "boolean") return String(value);
  if (typeof value === "number") return `the number ${value}`;
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `a value of type ${typeof value}`;
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
