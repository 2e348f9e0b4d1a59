// A compile session keeps the type checker's parsed files and esbuild's incremental context between
// compiles of one directory: what --watch and the control plane's policy source use to re-check fast.
import path from "node:path";
import { compilePolicies, type CompileResult } from "./compile.ts";
import { createIncrementalBundler } from "./load/bundle.ts";
import { PolicyTypeChecker } from "./load/type-check.ts";

export interface CompileSession {
  compile(): Promise<CompileResult>;
  dispose(): Promise<void>;
}

export function createCompileSession(dir: string, options: { evalTimeoutMs?: number } = {}): CompileSession {
  const root = path.resolve(dir);
  const typeChecker = new PolicyTypeChecker(root);
  const bundler = createIncrementalBundler(root);
  return {
    compile: () => compilePolicies(root, { ...options, typeChecker, bundler }),
    dispose: () => bundler.dispose(),
  };
}
