// Small builders for MeshIR values, so the shared emitter suite can state its policy cases in code.
// Every built IR is checked against the IR schema: the cases are real IR, not approximations.
import type { AuthzRuleIR, MatchIR, MeshIR, RouteIR, ServiceIR } from "../../../src/compiler/ir/schema.ts";
import { validateMeshIR } from "../../../src/compiler/ir/validate.ts";

let line = 0;
/** A distinct, plausible source location for each declaration. */
export function at(file = "case.policy.ts"): RouteIR["source"] {
  line += 1;
  return { file, line, column: 3 };
}

export function match(partial: Partial<MatchIR> = {}): MatchIR {
  return { headers: [], query: [], ...partial };
}

export function route(name: string, partial: Partial<RouteIR> = {}): RouteIR {
  return { name, matches: [], destinations: [{ version: "v1", weight: 100 }], source: at(), ...partial };
}

export function rule(partial: Partial<AuthzRuleIR> = {}): AuthzRuleIR {
  return { source: at(), ...partial };
}

export function service(trustDomain: string, id: string, partial: Partial<ServiceIR> = {}): ServiceIR {
  const [namespace, name] = id.split("/") as [string, string];
  return {
    id,
    name,
    namespace,
    port: 8080,
    identity: `spiffe://${trustDomain}/ns/${namespace}/sa/${name}`,
    mtls: "strict",
    loadBalancer: "round-robin",
    versions: [{ name: "v1", labels: { version: "v1" } }],
    routes: [],
    authorization: { allow: [], deny: [] },
    source: at(),
    ...partial,
  };
}

export function meshIR(trustDomain: string, services: ServiceIR[], mtls: "strict" | "permissive" = "strict"): MeshIR {
  const ir: MeshIR = {
    apiVersion: "typemesh.dev/v1",
    mesh: { trustDomain, mtls, source: at("mesh.policy.ts") },
    services: [...services].sort((a, b) => a.id.localeCompare(b.id)),
  };
  const problems = validateMeshIR(ir);
  if (problems.length > 0) throw new Error(`test case is not valid IR: ${problems.join("; ")}`);
  return ir;
}

export function versions(...names: string[]): ServiceIR["versions"] {
  return names.map((name) => ({ name, labels: { version: name } }));
}
