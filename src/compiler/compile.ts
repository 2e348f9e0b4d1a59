// The compiler's orchestrator: load → check → lower → validate. Diagnostics from every phase are
// collected; an IR comes out only when no error stands.
import { checkGraph } from "./check/check.ts";
import { hasErrors, sortDiagnostics, type Diagnostic } from "./diagnostics/diagnostic.ts";
import type { MeshIR } from "./ir/schema.ts";
import { validateMeshIR } from "./ir/validate.ts";
import { loadPolicies, type LoadOptions } from "./load/load.ts";
import type { PolicyGraph } from "./load/policy-graph.ts";
import { lowerMesh } from "./lower/lower.ts";

export interface CompileResult {
  diagnostics: Diagnostic[];
  graph?: PolicyGraph;
  /** Present only when there is no error diagnostic. */
  ir?: MeshIR;
}

export async function compilePolicies(dir: string, options: LoadOptions = {}): Promise<CompileResult> {
  const loaded = await loadPolicies(dir, options);
  if (!loaded.graph) return { diagnostics: sortDiagnostics(loaded.diagnostics) };
  const checked = checkGraph(loaded.graph);
  const diagnostics = [...loaded.diagnostics, ...checked.diagnostics];
  if (hasErrors(diagnostics)) return { diagnostics: sortDiagnostics(diagnostics), graph: loaded.graph };
  const ir = Object.freeze(lowerMesh(checked.meshes, checked.services)) as MeshIR;
  const problems = validateMeshIR(ir);
  for (const problem of problems) {
    diagnostics.push({ code: "TM0008", severity: "error", message: `internal error: lowered IR is invalid at ${problem}`, hint: "please report this as a typemesh bug" });
  }
  return { diagnostics: sortDiagnostics(diagnostics), graph: loaded.graph, ...(problems.length === 0 && { ir }) };
}
