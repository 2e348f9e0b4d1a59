// The registry of Kubernetes emit targets and the one entry point `typemesh build --target` calls.
// Targets report what they cannot express as warnings; with strictTargets those are errors and, as
// everywhere in typemesh, nothing is emitted while an error stands.
import { sortDiagnostics } from "../../diagnostics/diagnostic.ts";
import type { MeshIR } from "../../ir/schema.ts";
import { gatewayApiTarget } from "./gateway-api/index.ts";
import { istioTarget } from "./istio/index.ts";
import { linkerdTarget } from "./linkerd/index.ts";
import { DEFAULT_EMIT_OPTIONS, type EmitOptions, type EmitTarget, type TargetName, type TargetOutput } from "./target.ts";

export type { EmitOptions, EmitTarget, EmittedFile, TargetName, TargetOutput } from "./target.ts";

export const emitTargets: Readonly<Record<TargetName, EmitTarget>> = {
  istio: istioTarget,
  "gateway-api": gatewayApiTarget,
  linkerd: linkerdTarget,
};

export { isTargetName, targetNames } from "./target.ts";

export function emitTarget(name: TargetName, ir: MeshIR, options: EmitOptions = {}): TargetOutput {
  const resolved = { ...DEFAULT_EMIT_OPTIONS, ...options };
  const output = emitTargets[name].emit(ir, resolved);
  const diagnostics = sortDiagnostics(resolved.strictTargets
    ? output.diagnostics.map((d) => ({ ...d, severity: "error" as const }))
    : output.diagnostics);
  const blocked = diagnostics.some((d) => d.severity === "error");
  return { files: blocked ? [] : output.files, diagnostics };
}
