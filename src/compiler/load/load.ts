// The load phase: type-check while the modules are bundled and evaluated in the sandbox; then locate
// every declaration.
// Collects every diagnostic it can; returns a PolicyGraph whenever evaluation succeeded (type errors
// alone do not stop the semantic rules from running, as with tsc's "all errors at once").
import path from "node:path";
import type { Diagnostic } from "../diagnostics/diagnostic.ts";
import { bundlePolicies, type IncrementalBundler } from "./bundle.ts";
import { findComputedImports } from "./computed-imports.ts";
import { DEFAULT_EVAL_TIMEOUT_MS, evaluateBundle, type RawDeclaration } from "./evaluate.ts";
import { locateDeclaration } from "./locate.ts";
import type { PolicyGraph } from "./policy-graph.ts";
import { findPolicyFiles, relativePolicyPath } from "./policy-files.ts";
import { runawaySite } from "./runaway-site.ts";
import { createSourceMapper, policyFrame, type SourceMapper } from "./source-map.ts";
import { PolicyTypeChecker } from "./type-check.ts";

export interface LoadOptions {
  evalTimeoutMs?: number;
  /** Reused between loads by --watch. */
  typeChecker?: PolicyTypeChecker;
  bundler?: IncrementalBundler;
}

export interface LoadResult {
  graph?: PolicyGraph;
  diagnostics: Diagnostic[];
}

export async function loadPolicies(dir: string, options: LoadOptions = {}): Promise<LoadResult> {
  const root = path.resolve(dir);
  let files: string[];
  try {
    files = findPolicyFiles(root);
  } catch (error) {
    return { diagnostics: [{ code: "TM0007", severity: "error", message: `cannot read policies directory ${root}: ${(error as Error).message}` }] };
  }
  if (files.length === 0) {
    return {
      diagnostics: [{
        code: "TM0007", severity: "error", message: `no *.policy.ts files under ${root}`,
        hint: "run `typemesh init` to scaffold a policies directory",
      }],
    };
  }
  const checker = options.typeChecker ?? new PolicyTypeChecker(root);
  const typed = checker.start(files);
  // A computed import() is refused before any policy code runs.
  const computedImports = findComputedImports(root, typed.program);
  if (computedImports.length > 0) return { diagnostics: [...await typed.diagnostics(), ...computedImports] };
  // Bundling (esbuild's process) and then evaluation (the sandbox's) run beside the type check, which
  // yields to them a slice at a time (type-check.ts).
  const evaluation = bundleAndEvaluate(root, files, options);
  evaluation.catch(() => {}); // a failure is thrown below, once awaited, not as an unhandled rejection
  const typeDiagnostics = await typed.diagnostics();
  const evaluated = await evaluation;
  if ("diagnostics" in evaluated) {
    const stable = evaluated.diagnostics.map((d) =>
      d.code === "TM0005" && d.location ? { ...d, location: runawaySite(root, typed.program, d.location) } : d);
    return { diagnostics: [...typeDiagnostics, ...stable] };
  }
  const { declarations, mapper } = evaluated;

  const graph: PolicyGraph = { root, files: files.map((f) => relativePolicyPath(root, f)), meshes: [], services: [] };
  for (const declaration of declarations) {
    const call = policyFrame(declaration.stack, mapper) ?? { file: "<unknown>", line: 1, column: 1 };
    const site = locateDeclaration(root, typed.program, call);
    const spec = (declaration.spec && typeof declaration.spec === "object" ? declaration.spec : {}) as Record<string, unknown>;
    if (declaration.kind === "mesh") graph.meshes.push({ spec, site });
    else graph.services.push({ spec, site });
  }
  return { graph, diagnostics: typeDiagnostics };
}

/** Bundles the modules, then evaluates the bundle in the sandbox: the declarations, or why there are none. */
async function bundleAndEvaluate(root: string, files: string[], options: LoadOptions): Promise<{ diagnostics: Diagnostic[] } | { declarations: RawDeclaration[]; mapper: SourceMapper }> {
  const bundled = options.bundler ? await options.bundler.rebuild(files) : await bundlePolicies(root, files);
  if (!bundled.bundle) return { diagnostics: bundled.diagnostics };
  const mapper = createSourceMapper(root, bundled.bundle.sourceMap);
  const evaluated = await evaluateBundle(bundled.bundle, mapper, options.evalTimeoutMs ?? DEFAULT_EVAL_TIMEOUT_MS);
  return evaluated.declarations ? { declarations: evaluated.declarations, mapper } : { diagnostics: evaluated.diagnostics };
}
