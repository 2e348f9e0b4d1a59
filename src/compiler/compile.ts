// The compiler's orchestrator: load → check → lower → validate. Diagnostics from every phase are
// collected; an IR comes out only when no error stands.
import { checkGraphCached } from "./check/check-cache.ts";
import { checkGraph } from "./check/check.ts";
import { hasErrors, sortDiagnostics, type Diagnostic } from "./diagnostics/diagnostic.ts";
import type { MeshIR } from "./ir/schema.ts";
import { validateMeshIRCached } from "./ir/validate-cache.ts";
import { validateMeshIR } from "./ir/validate.ts";
import { loadPolicies, type LoadOptions } from "./load/load.ts";
import type { PolicyGraph } from "./load/policy-graph.ts";
import { lowerMeshCached } from "./lower/lower-cache.ts";
import { lowerMesh } from "./lower/lower.ts";
import type { PhaseCache } from "./phase-cache.ts";

export interface CompileResult {
  diagnostics: Diagnostic[];
  graph?: PolicyGraph;
  /** Present only when there is no error diagnostic. */
  ir?: MeshIR;
}

export type CompileOptions = LoadOptions & {
  /**
   * A session's cache of the phases after loading (createPhaseCache): a re-check then redoes them only
   * for the declarations the load side hands over as new objects. In-process only (it holds WeakMaps).
   */
  phaseCache?: PhaseCache;
};

export async function compilePolicies(dir: string, options: CompileOptions = {}): Promise<CompileResult> {
  const { phaseCache, ...loadOptions } = options;
  const loaded = await loadPolicies(dir, loadOptions);
  if (!loaded.graph) return { diagnostics: sortDiagnostics(loaded.diagnostics) };
  return compileGraph(loaded.graph, loaded.diagnostics, phaseCache);
}

/** The phases after loading: check, lower, validate; with a cache, the same result sooner. */
export function compileGraph(graph: PolicyGraph, loadDiagnostics: readonly Diagnostic[] = [], cache?: PhaseCache): CompileResult {
  const checked = cache ? checkGraphCached(graph, cache.check) : checkGraph(graph);
  const diagnostics = [...loadDiagnostics, ...checked.diagnostics];
  if (hasErrors(diagnostics)) return { diagnostics: sortDiagnostics(diagnostics), graph };
  const lowered = cache ? lowerMeshCached(checked.meshes, checked.services, cache.lower) : lowerMesh(checked.meshes, checked.services);
  const ir = Object.freeze(lowered) as MeshIR;
  const problems = cache ? validateMeshIRCached(ir, cache.validate) : validateMeshIR(ir);
  for (const problem of problems) {
    diagnostics.push({ code: "TM0008", severity: "error", message: `internal error: lowered IR is invalid at ${problem}`, hint: "please report this as a typemesh bug" });
  }
  return { diagnostics: sortDiagnostics(diagnostics), graph, ...(problems.length === 0 && { ir }) };
}
