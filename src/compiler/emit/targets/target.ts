// The one interface every Kubernetes emit target implements (STYLE.md: hono's routers and their shared
// test suite). A target turns a MeshIR into manifest files plus coded diagnostics for whatever it cannot
// express; it never drops a feature without saying so.
import type { Diagnostic } from "../../diagnostics/diagnostic.ts";
import type { MeshIR } from "../../ir/schema.ts";

/** Every target, in the order `build --target all` emits them; index.ts maps each to its emitter. */
export const targetNames = ["istio", "gateway-api", "linkerd"] as const;
export type TargetName = (typeof targetNames)[number];

export function isTargetName(name: string): name is TargetName {
  return (targetNames as readonly string[]).includes(name);
}

export interface EmitOptions {
  /** What a target cannot express becomes an error (and no files come out) instead of a warning. */
  strictTargets?: boolean;
  /** The cluster's DNS domain, for fully qualified service hosts. */
  clusterDomain?: string;
}

export type ResolvedEmitOptions = Required<EmitOptions>;

export const DEFAULT_EMIT_OPTIONS: ResolvedEmitOptions = { strictTargets: false, clusterDomain: "cluster.local" };

export interface EmittedFile {
  /** Relative to the target's output directory, forward slashes. */
  path: string;
  content: string;
}

export interface TargetOutput {
  /** Sorted by path; one YAML file per resource plus the target's kustomization.yaml. */
  files: EmittedFile[];
  diagnostics: Diagnostic[];
}

export interface EmitTarget {
  name: TargetName;
  /** One line for `typemesh build --help` and the docs. */
  description: string;
  emit(ir: MeshIR, options: ResolvedEmitOptions): TargetOutput;
}
