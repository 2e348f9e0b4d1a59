// A compile session's evaluation of single modules. The one-shot pipeline bundles all modules and runs
// the bundle in a new sandbox: about a second for 1,000 modules, most of it spent again on modules an
// edit did not touch. Once a session's full load has succeeded, this takes over its evaluation:
// - every module is transformed on its own (module-graph.ts) and kept compiled in a long-lived sandbox
//   process (module-sandbox.ts), so an edit recompiles only the edited modules;
// - each evaluation still runs every module, from scratch, in a new context (about 20 ms for 1,000), so
//   nothing of an earlier evaluation leaks into it;
// - only the declarations of the edited modules and of the modules importing them, transitively, are
//   described and located again: no other module's output can have changed (evaluation is a function
//   of a module's code and what it imports; a policy reading the clock or Math.random is the exception,
//   and `typemesh build` always evaluates from scratch);
// - a declaration whose spec and site are what they were keeps its objects, so the later phases can
//   reuse their work for it by identity.
// Priming checks the first module-by-module evaluation against the bundle's: the same declarations in
// the same order, or the session stays on the one-shot pipeline. Anything this path is not sure of (a
// file added or removed, an import changed, a syntax error, a throw, a time-out) answers undefined and
// the one-shot pipeline runs, whose diagnostics say what is wrong.
import { isDeepStrictEqual } from "node:util";
import type { SourceLocation } from "../diagnostics/diagnostic.ts";
import { hashText, type CheckInput } from "./check-record.ts";
import { callKey, type DeclarationSite } from "./declaration-site.ts";
import { DEFAULT_EVAL_TIMEOUT_MS } from "./evaluate.ts";
import { importersOf, moduleFrame, readModuleGraph, readModuleText, transformModule, TRANSFORMS_MADE_BY, withImporters, type PolicyModule } from "./module-graph.ts";
import { openTransformCache } from "./transform-cache.ts";
import { moduleRuntime, RUNTIME_GLOBAL } from "./module-runtime.ts";
import { startModuleSandbox, type CompiledModule, type ModuleSandbox } from "./module-sandbox.ts";
import type { PolicyGraph } from "./policy-graph.ts";
import { relativePolicyPath } from "./policy-files.ts";

export type LastAnswer = { by: "modules" } | { by: "bundle"; why: string };

export type DeclarationKind = "service" | "mesh";

/** A declaration as the graph holds it. */
export interface LocatedDeclaration {
  kind: DeclarationKind;
  spec: Record<string, unknown>;
  site: DeclarationSite;
}

interface KnownDeclaration extends LocatedDeclaration {
  /** The spec as the sandbox described it: equal text, equal spec. */
  json: string;
  /** Where the declaring call is: in a module whose text is unchanged, it still is. */
  call: SourceLocation;
}

/** The type checker's thread, as far as locating declarations goes (type-check-worker.ts). */
export interface SiteLocator {
  locate(calls: readonly SourceLocation[]): Promise<DeclarationSite[]>;
  relocate?(calls: readonly SourceLocation[]): Promise<(DeclarationSite | null)[]>;
}

interface State {
  root: string;
  entries: string[];
  modules: Map<string, PolicyModule>;
  importers: Map<string, Set<string>>;
  /** Module ids in the order their bodies completed: the order of the bundle's declarations. */
  order: string[];
  declarations: Map<string, KnownDeclaration[]>;
  /** Every site the type checker answered, by call: what its "kept" answers (null) stand for. */
  sites: Map<string, DeclarationSite>;
}

/** A re-check this path can answer: the modules changed, checked before the type checker starts. */
export interface PreparedEvaluation {
  changed: string[];
  /** Evaluates and locates; undefined when the one-shot pipeline has to answer after all. */
  run(locator: SiteLocator, timeoutMs?: number): Promise<LocatedDeclaration[] | undefined>;
}

export interface ModuleSession {
  prepare(root: string, files: readonly string[]): Promise<PreparedEvaluation | undefined>;
  /**
   * Takes over from a full load that gave this graph, whose type checker read `inputs`; the next
   * prepare() waits for it.
   */
  prime(root: string, files: readonly string[], graph: PolicyGraph, inputs: Promise<CheckInput[]>): void;
  /** Who answered the last load, and why not the modules (for tests and the benchmark's figures). */
  readonly lastAnswer: LastAnswer;
  dispose(): void;
}

/** What the sandbox process keeps of a module. */
const compiledOf = ({ id, hash, code, imports }: PolicyModule): CompiledModule => ({ id, hash, code, imports });

interface DescribedDeclaration {
  kind: DeclarationKind;
  stack: string;
  spec: Record<string, unknown>;
}

/** Reads what the driver returned; undefined unless it has exactly the expected shape. */
function readReport(text: string, describe: readonly string[]): { completed: string[]; counts: Record<string, number>; described: Map<string, DescribedDeclaration[]> } | undefined {
  try {
    const report = JSON.parse(text) as { completed?: unknown; counts?: unknown; described?: unknown };
    if (!Array.isArray(report.completed) || !report.completed.every((id) => typeof id === "string")) return undefined;
    if (!report.counts || typeof report.counts !== "object" || !report.described || typeof report.described !== "object") return undefined;
    const described = new Map<string, DescribedDeclaration[]>();
    for (const id of describe) {
      const list = JSON.parse(String((report.described as Record<string, unknown>)[id])) as unknown;
      if (!Array.isArray(list)) return undefined;
      for (const d of list as Record<string, unknown>[]) {
        if (!d || (d.kind !== "service" && d.kind !== "mesh") || typeof d.stack !== "string") return undefined;
        if (!d.spec || typeof d.spec !== "object" || Array.isArray(d.spec)) d.spec = {};
      }
      described.set(id, list as DescribedDeclaration[]);
    }
    return { completed: report.completed as string[], counts: report.counts as Record<string, number>, described };
  } catch {
    return undefined;
  }
}

export interface ModuleSessionOptions {
  /** Where esbuild's transforms are kept between sessions (transform-cache.ts); in memory only without. */
  transformCacheFile?: string;
}

export function createModuleSession(options: ModuleSessionOptions = {}): ModuleSession {
  const transforms = openTransformCache(options.transformCacheFile, TRANSFORMS_MADE_BY);
  let state: State | undefined;
  let sandbox: ModuleSandbox | undefined;
  let priming: Promise<void> = Promise.resolve();
  let lastAnswer: LastAnswer = { by: "bundle", why: "no load yet" };
  // Why priming left the session on the bundle: the next prepare() answers with it.
  let primeFailure = "no module state yet";
  let disposed = false;
  const fallback = (why: string): undefined => {
    lastAnswer = { by: "bundle", why };
    return undefined;
  };

  /** A sandbox holding the runtime and every module of `modules`. */
  const freshSandbox = async (modules: Iterable<PolicyModule>): Promise<ModuleSandbox> => {
    sandbox?.dispose();
    if (disposed) throw new Error("the compile session has ended");
    const started = startModuleSandbox();
    sandbox = started;
    await started.runtime(await moduleRuntime(), RUNTIME_GLOBAL);
    await started.modules([...modules].map(compiledOf));
    return started;
  };

  const evaluate = async (box: ModuleSandbox, root: string, entries: readonly string[], describe: readonly string[], stacks: readonly string[], timeoutMs: number) => {
    const report = await box.evaluate({ entries: entries.map((file) => relativePolicyPath(root, file)), describe: [...describe], stacks: [...stacks] }, timeoutMs);
    return report.ok ? readReport(report.result, describe) : undefined;
  };

  const prime = async (root: string, files: readonly string[], graph: PolicyGraph, inputs: Promise<CheckInput[]>): Promise<void> => {
    state = undefined;
    const modules = await readModuleGraph(root, files, transforms);
    const fail = (why: string) => { primeFailure = why; };
    // Once the transformed code has run, a transform kept from an earlier session may be what failed:
    // the next priming makes them anew. (A file saved during the load, or a module the sandbox refuses,
    // says nothing against the cache, and keeps it.)
    const failRunning = (why: string) => {
      fail(why);
      transforms.forget();
    };
    if (!modules) return fail("a module is not one the module sandbox takes as it is");
    // The graph's sites are those of the texts the full load read. A file saved again since then would
    // be taken here with sites of its earlier text, so every module must be what the program read.
    const read = new Map((await inputs).map((input) => [input.file, input.hash]));
    for (const module of modules.values()) {
      if (read.get(module.file) !== hashText(module.text)) return fail("policy files changed while they were loaded");
    }
    const box = await freshSandbox(modules.values()).catch(() => undefined);
    if (!box) return fail("the module sandbox did not start");
    const ids = [...modules.keys()];
    const report = await evaluate(box, root, files, ids, ids, DEFAULT_EVAL_TIMEOUT_MS);
    if (!report) return failRunning("evaluating module by module failed");
    // The same declarations, of each kind in the same order, as the bundle gave: then the graph's
    // objects are this evaluation's, module by module.
    const queues = { service: [...graph.services], mesh: [...graph.meshes] };
    const declarations = new Map<string, KnownDeclaration[]>();
    const sites = new Map<string, DeclarationSite>();
    for (const id of report.completed) {
      const known: KnownDeclaration[] = [];
      for (const d of report.described.get(id) ?? []) {
        const taken = queues[d.kind].shift();
        const json = JSON.stringify(d.spec);
        const call = moduleFrame(d.stack, modules);
        if (!taken || JSON.stringify(taken.spec) !== json) return failRunning("module-by-module evaluation differs from the bundle's");
        if (!call) return failRunning(`a declaration of ${id} has no call site in its stack`);
        // The bundle's source map may place the call a column apart: the type checker then has no site
        // kept for this key, and answers it in full the first time it is asked.
        sites.set(callKey(call), taken.site);
        known.push({ kind: d.kind, spec: taken.spec, site: taken.site, json, call });
      }
      declarations.set(id, known);
    }
    if (queues.service.length > 0 || queues.mesh.length > 0) return failRunning("module-by-module evaluation differs from the bundle's");
    state = { root, entries: [...files], modules, importers: importersOf(modules), order: report.completed, declarations, sites };
    // Kept for the next session's priming only once this one's stood (written when it differs).
    transforms.save();
  };

  return {
    get lastAnswer() { return lastAnswer; },
    prime(root, files, graph, inputs) {
      inputs.catch(() => {}); // read, or failed, when priming gets to it
      primeFailure = "priming";
      priming = priming.then(() => prime(root, files, graph, inputs)).catch((error: unknown) => {
        state = undefined;
        primeFailure = `priming failed: ${String(error)}`;
      });
    },
    async prepare(root, files) {
      await priming;
      const known = state;
      if (!known || known.root !== root) return fallback(primeFailure);
      if (files.length !== known.entries.length || files.some((file, i) => file !== known.entries[i])) return fallback("policy files were added or removed");
      // What changed since the last evaluation, by text; each changed module must still transform and
      // import exactly what it did (then the order of evaluation and every resolution stand).
      const changed: PolicyModule[] = [];
      for (const module of known.modules.values()) {
        const text = readModuleText(module.file);
        if (text === undefined) return fallback(`${module.id} cannot be read`);
        if (text === module.text) continue;
        const next = await transformModule(root, module.file, text, transforms);
        if (!next) return fallback(`${module.id} does not transform on its own`);
        if (!isDeepStrictEqual(next.specifiers, module.specifiers) || !isDeepStrictEqual(next.imports, module.imports)) {
          return fallback(`${module.id} changed its imports`);
        }
        changed.push(next);
      }
      return {
        changed: changed.map((m) => m.id),
        run: async (locator, timeoutMs = DEFAULT_EVAL_TIMEOUT_MS) => {
          const modules = new Map(known.modules);
          for (const module of changed) modules.set(module.id, module);
          const describe = withImporters(changed.map((m) => m.id), known.importers);
          let located = known.declarations;
          if (changed.length > 0) {
            const box = sandbox?.alive ? sandbox : await freshSandbox(known.modules.values()).catch(() => undefined);
            if (!box) return fallback("the module sandbox did not start");
            const sent = await box.modules(changed.map(compiledOf)).then(() => true, () => false);
            if (!sent) return fallback("a changed module does not compile");
            const ids = [...describe];
            const report = await evaluate(box, root, known.entries, ids, changed.map((m) => m.id), timeoutMs);
            if (!report) return fallback("evaluating the changed modules failed");
            if (!isDeepStrictEqual(report.completed, known.order)) return fallback("modules evaluated in another order");
            for (const id of known.order) {
              if (!describe.has(id) && report.counts[id] !== (known.declarations.get(id)?.length ?? 0)) return fallback(`${id} declared something else without changing`);
            }
            const changedIds = new Set(changed.map((m) => m.id));
            const found = await locateDescribed(report.described, changedIds, modules, known, locator);
            if (!found) return fallback("a module declared something else without changing");
            located = found;
          }
          state = { ...known, modules, declarations: located };
          lastAnswer = { by: "modules" };
          return known.order.flatMap((id) => located.get(id) ?? []);
        },
      };
    },
    dispose() {
      if (!disposed && state) transforms.save(); // with the transforms of this session's edits
      disposed = true;
      sandbox?.dispose();
      sandbox = undefined;
      state = undefined;
    },
  };
}

/**
 * The described modules' declarations with their sites; a declaration equal to what it was keeps its
 * objects. Where a call is: from its stack in a changed module, else where it was (the module's text is
 * the same). The type checker's thread keeps the sites of unchanged files and answers those it kept
 * as null (relocate), so that only moved or changed sites cross between the threads.
 */
async function locateDescribed(
  described: ReadonlyMap<string, DescribedDeclaration[]>,
  changed: ReadonlySet<string>,
  modules: ReadonlyMap<string, PolicyModule>,
  known: State,
  locator: SiteLocator,
): Promise<Map<string, KnownDeclaration[]> | undefined> {
  const flat: { id: string; d: DescribedDeclaration; previous?: KnownDeclaration; call: SourceLocation }[] = [];
  for (const [id, list] of described) {
    const before = known.declarations.get(id) ?? [];
    // An unchanged module whose declarations differ in number made them from what it imports: where
    // the new ones are is not known without stacks.
    if (!changed.has(id) && list.length !== before.length) return undefined;
    for (const [index, d] of list.entries()) {
      const previous = before[index];
      const call = changed.has(id) ? moduleFrame(d.stack, modules) ?? { file: "<unknown>", line: 1, column: 1 } : previous!.call;
      flat.push({ id, d, previous, call });
    }
  }
  const calls = flat.map(({ call }) => call);
  const answers: (DeclarationSite | null)[] = locator.relocate ? await locator.relocate(calls) : await locator.locate(calls);
  // A kept site this side has no record of (never the case unless the two lost step): ask in full.
  const unknown = answers.flatMap((answer, i) => (answer === null && !known.sites.has(callKey(calls[i]!)) ? [i] : []));
  if (unknown.length > 0) {
    const full = await locator.locate(unknown.map((i) => calls[i]!));
    for (const [n, i] of unknown.entries()) answers[i] = full[n]!;
  }
  const located = new Map(known.declarations);
  for (const id of described.keys()) located.set(id, []);
  for (const [i, { id, d, previous, call }] of flat.entries()) {
    const key = callKey(call);
    const answer = answers[i];
    if (answer) known.sites.set(key, answer);
    const site = answer ?? known.sites.get(key)!;
    const json = JSON.stringify(d.spec);
    const same = previous && previous.kind === d.kind && previous.json === json &&
      (previous.site === site || isDeepStrictEqual(previous.site, site));
    located.get(id)!.push(same ? previous : { kind: d.kind, spec: d.spec, site, json, call });
  }
  return located;
}
