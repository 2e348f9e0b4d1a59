// Emitted files back to objects, and the demo mesh compiled once per test file.
import path from "node:path";
import { parse } from "yaml";
import { compilePolicies } from "../../../src/compiler/compile.ts";
import type { EmittedFile } from "../../../src/compiler/emit/targets/index.ts";
import type { MeshIR } from "../../../src/compiler/ir/schema.ts";
import { repoRoot } from "./schemas.ts";

export const demoPolicies = path.join(repoRoot, "policies");

let demo: Promise<MeshIR> | undefined;
export function demoIR(): Promise<MeshIR> {
  demo ??= compilePolicies(demoPolicies).then((result) => {
    if (!result.ir) throw new Error(`the demo policies do not compile: ${JSON.stringify(result.diagnostics)}`);
    return result.ir;
  });
  return demo;
}

export function manifests(files: readonly EmittedFile[]): any[] {
  return files.filter((f) => f.path !== "kustomization.yaml").map((f) => parse(f.content));
}

export function ofKind(objects: any[], kind: string, namespace?: string): any[] {
  return objects.filter((o) => o.kind === kind && (namespace === undefined || o.metadata.namespace === namespace));
}
