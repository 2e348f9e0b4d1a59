// Runs INSIDE the policy sandbox, after every policy module has evaluated: turns the declarations into
// one JSON string. Only a string crosses back to the host, so no object of the sandbox (and no way back
// into it) ever reaches the compiler. Service and version objects become {$service, $version} refs.
import { takeDeclarations, type Declaration } from "../../dsl/registry.ts";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isRef(value: object): value is { kind: string; name?: string; service?: string; namespace: string; version?: string } {
  return "kind" in value && (value.kind === "service" || value.kind === "version") && "namespace" in value;
}

function toJson(value: unknown, seen: Set<object>): Json | undefined {
  switch (typeof value) {
    case "undefined":
      return undefined;
    case "string":
    case "boolean":
      return value;
    case "number":
      return Number.isFinite(value) ? value : { $invalid: `non-finite number ${String(value)}` };
    case "function": {
      // A thunk lets two services refer to each other despite circular imports.
      let result: unknown;
      try {
        result = (value as () => unknown)();
      } catch (error) {
        return { $invalid: `function threw: ${String(error)}` };
      }
      return toJson(result, seen);
    }
    case "object": {
      if (value === null) return null;
      if (isRef(value)) {
        return value.kind === "service"
          ? { $service: `${value.namespace}/${value.name}` }
          : { $service: `${value.namespace}/${value.service}`, $version: String(value.version) };
      }
      if (seen.has(value)) return { $invalid: "circular value" };
      seen.add(value);
      let out: Json;
      if (Array.isArray(value)) {
        out = value.map((item) => toJson(item, seen) ?? null);
      } else {
        const record: Record<string, Json> = {};
        for (const [key, item] of Object.entries(value)) {
          const converted = toJson(item, seen);
          if (converted !== undefined) record[key] = converted;
        }
        out = record;
      }
      seen.delete(value);
      return out;
    }
    default:
      return { $invalid: `unsupported value of type ${typeof value}` };
  }
}

/**
 * Declarations as one JSON string: kind, the call's stack (unless the caller knows where the calls
 * are: a module whose text did not change, module-session.ts), and the spec with references as refs.
 */
export function describeDeclarations(declarations: readonly Declaration[], withStacks = true): string {
  return JSON.stringify(declarations.map((d) => ({
    kind: d.kind,
    // A policy can replace Error.prepareStackTrace: whatever is not a string costs only the location.
    stack: withStacks && typeof d.site.stack === "string" ? d.site.stack : "",
    spec: toJson(d.value.spec, new Set()) ?? null,
  })));
}

export function collectDeclarations(): string {
  return describeDeclarations(takeDeclarations());
}
