// The load phase: type-check (in the type checker's thread) while the modules are bundled and
// evaluated in the sandbox; then locate every declaration.
// Collects every diagnostic it can; returns a PolicyGraph whenever evaluation succeeded (type errors
// alone do not stop the semantic rules from running, as with tsc's "all errors at once").
import path from "node:path";
import type { Diagnostic } from "../diagnostics/diagnostic.ts";
import { bundlePolicies, type BundleOutcome, type IncrementalBundler } from "./bundle.ts";
import { DEFAULT_EVAL_TIMEOUT_MS, startSandbox, type RawDeclaration, type Sandbox } from "./evaluate.ts";
import type { PolicyGraph } from "./policy-graph.ts";
import { findPolicyFiles, relativePolicyPath } from "./policy-files.ts";
import { createSourceMapper, policyFrame, type SourceMapper } from "./source-map.ts";
import type { LocatedDeclaration, ModuleSession, PreparedEvaluation } from "./module-session.ts";
import { typeCheckStateFile } from "./type-check-state.ts";
import { createRecordedTypeChecker } from "./recorded-type-checker.ts";
import type { TypeCheckWorker } from "./type-check-worker.ts";

export interface LoadOptions {
  evalTimeoutMs?: number;
  /** Reused between loads by --watch and a control plane: keeps the program and located sites. */
  typeChecker?: TypeCheckWorker;
  bundler?: IncrementalBundler;
  /** A session's module-by-module evaluation (module-session.ts), used once a full load has primed it. */
  modules?: ModuleSession;
  /**
   * false for a directory that will not be compiled again (plan's temporary worktree of the base): no
   * type-check state or check record is read or kept for it in the user's cache.
   */
  cache?: boolean;
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
  // A one-shot load answers from the last compile's record when nothing it read has changed, and
  // otherwise starts from the type checker's saved state and saves it, as a session does.
  const checker = options.typeChecker ?? createRecordedTypeChecker(root, options.cache === false ? undefined : typeCheckStateFile(root));
  try {
    return await load(root, files, checker, options);
  } finally {
    if (!options.typeChecker) await checker.dispose();
  }
}

async function load(root: string, files: string[], checker: TypeCheckWorker, options: LoadOptions): Promise<LoadResult> {
  const { modules } = options;
  if (!modules) return loadBundle(root, files, checker, options);
  // The checks that decide whether the module sandbox can answer come before the type checker starts.
  const prepared = await modules.prepare(root, files);
  const answered = prepared ? await loadModules(root, files, checker, prepared, options) : undefined;
  if (answered) return answered;
  const loaded = await loadBundle(root, files, checker, options);
  if (loaded.graph) modules.prime(root, files, loaded.graph, checker.inputs());
  return loaded;
}

/** The graph of declarations, in the order they were made, with their sites. */
function graphOf(root: string, files: string[], declarations: readonly LocatedDeclaration[]): PolicyGraph {
  const graph: PolicyGraph = { root, files: files.map((f) => relativePolicyPath(root, f)), meshes: [], services: [] };
  for (const { kind, spec, site } of declarations) (kind === "mesh" ? graph.meshes : graph.services).push({ spec, site });
  return graph;
}

/**
 * A load answered by the session's module sandbox, beside the type check as the bundle's is; undefined
 * when the module sandbox cannot answer after all (the bundle then answers, and explains any error).
 */
async function loadModules(root: string, files: string[], checker: TypeCheckWorker, prepared: PreparedEvaluation, options: LoadOptions): Promise<LoadResult | undefined> {
  const started = checker.start(files);
  const typeDiagnostics = checker.diagnostics();
  typeDiagnostics.catch(() => {});
  const evaluation = prepared.run(checker, options.evalTimeoutMs);
  evaluation.catch(() => {});
  const computedImports = await started;
  if (computedImports.length > 0) return { diagnostics: [...await typeDiagnostics, ...computedImports] };
  const declarations = await evaluation.catch(() => undefined);
  if (!declarations) {
    // The thread finishes this check before it starts the bundle's, so that nothing of it is mixed in.
    await typeDiagnostics.catch(() => {});
    return undefined;
  }
  return { graph: graphOf(root, files, declarations), diagnostics: await typeDiagnostics };
}

async function loadBundle(root: string, files: string[], checker: TypeCheckWorker, options: LoadOptions): Promise<LoadResult> {
  // The type checker's thread answers in order: the program, then its type errors, which it goes on
  // checking while this thread bundles and evaluates.
  const started = checker.start(files);
  const typeDiagnostics = checker.diagnostics();
  typeDiagnostics.catch(() => {}); // a failure is thrown below, once awaited, not as an unhandled rejection
  // Bundling starts at once, beside the program's creation, and the sandbox's process beside it; the
  // bundle is evaluated as soon as it is ready, without waiting for the program (its parse is the
  // longest part of a build whose types are already checked).
  const sandbox = startSandbox();
  const bundling = options.bundler ? options.bundler.rebuild(files) : bundlePolicies(root, files);
  const evaluation = bundling.then((bundled) => evaluate(root, bundled, sandbox, options), (error: unknown) => {
    sandbox.cancel();
    throw error;
  });
  evaluation.catch(() => {}); // awaited below, unless a computed import makes it moot
  let computedImports: Diagnostic[];
  try {
    computedImports = await started;
  } catch (error) {
    sandbox.cancel();
    throw error;
  }
  // A computed import() fails the load whatever the evaluation found: the sandbox refuses it at run
  // time (no module loader in its context), but as a rejected promise the policy may have swallowed.
  if (computedImports.length > 0) {
    sandbox.cancel();
    return { diagnostics: [...await typeDiagnostics, ...computedImports] };
  }
  const evaluated = await evaluation;
  if ("diagnostics" in evaluated) {
    const stable = await Promise.all(evaluated.diagnostics.map(async (d) =>
      d.code === "TM0005" && d.location ? { ...d, location: await checker.runawaySite(d.location) } : d));
    return { diagnostics: [...await typeDiagnostics, ...stable] };
  }
  const { declarations, mapper } = evaluated;
  const calls = declarations.map((declaration) => policyFrame(declaration.stack, mapper) ?? { file: "<unknown>", line: 1, column: 1 });
  const sites = await checker.locate(calls);
  const located = declarations.map((declaration, i): LocatedDeclaration => ({
    kind: declaration.kind,
    spec: (declaration.spec && typeof declaration.spec === "object" ? declaration.spec : {}) as Record<string, unknown>,
    site: sites[i]!,
  }));
  return { graph: graphOf(root, files, located), diagnostics: await typeDiagnostics };
}

type Evaluated = { diagnostics: Diagnostic[] } | { declarations: RawDeclaration[]; mapper: SourceMapper };

/** Evaluates the bundle in the sandbox: the declarations, or why there are none. */
async function evaluate(root: string, bundled: BundleOutcome, sandbox: Sandbox, options: LoadOptions): Promise<Evaluated> {
  if (!bundled.bundle) {
    sandbox.cancel();
    return { diagnostics: bundled.diagnostics };
  }
  const mapper = createSourceMapper(root, bundled.bundle.sourceMap);
  // Every declaration's stack is mapped through it: read it while the sandbox evaluates.
  setImmediate(() => mapper.prepare());
  const evaluated = await sandbox.evaluate(bundled.bundle, mapper, options.evalTimeoutMs ?? DEFAULT_EVAL_TIMEOUT_MS);
  return evaluated.declarations ? { declarations: evaluated.declarations, mapper } : { diagnostics: evaluated.diagnostics };
}
