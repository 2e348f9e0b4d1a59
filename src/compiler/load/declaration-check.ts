// The fast re-check of an edit (--watch): the edited policy files are checked against the declarations
// (.d.ts) of the files they import, in small programs (declaration-program.ts), instead of by a fresh
// checker of the whole program, which infers the types of everything an edited file imports,
// transitively. As with TypeScript's project references, a file's diagnostics depend on the other
// files only through their declarations: when an edited file's declarations come out as before, no
// other file needs a look; when they change, the files that see them are checked again, the same way.
//
// What is kept between checks, per policy file: its semantic diagnostics and, once asked for, its
// declarations. After a full check both are the full program's (declarations emitted from it as
// needed, declaration-emit.ts); a check here replaces those of the files it checks. A program is
// answered here only when it differs from the last checked one in the text of some policy files, whose
// imports stay the same; anything else, and anything this cannot vouch for, is left to the full check.
import type { Diagnostic as TsDiagnostic, Program, SourceFile } from "typescript";
import type { Diagnostic } from "../diagnostics/diagnostic.ts";
import { DeclarationFile } from "./declaration-file.ts";
import { emitDeclaration } from "./declaration-emit.ts";
import { checkAgainstDeclarations } from "./declaration-program.ts";
import { importGraph, importsOf, type ImportGraph } from "./import-graph.ts";
import { importResolver, type ImportResolver } from "./import-resolver.ts";
import { moduleReferences, reachesPastImports } from "./module-references.ts";
import { isPolicySource } from "./policy-files.ts";
import { ts } from "./typescript.ts";

/**
 * More files to check than this (an edit changed the types of a file many import): the full check
 * answers, in about the time the small programs would take.
 */
const MOST_CHECKED = 40;

/**
 * Diagnostics that a check against declarations could word differently from a full check: the result
 * of a circularity or of a depth limit depends on the order in which one checker met the types, and a
 * missing export is told apart from a non-exported local only in the source (a .d.ts has no locals).
 * While one is reported anywhere, the full check answers.
 */
const ORDER_OR_SOURCE_DEPENDENT = new Set([
  2303, 2313, 2321, 2456, 2502, 2506, 2589, 2590, 2615, 2859, 7022, 7023, 7024, // circular, too deep, too complex
  2305, 2459, 2460, 2614, 2724, // no such export (or only a local of that name)
]);

export interface DeclarationAnswer {
  /** The semantic diagnostics of every policy source, by file name. */
  semantic: ReadonlyMap<string, readonly Diagnostic[]>;
  /** How many files were checked (one checked again after an import's declarations changed counts twice). */
  checked: number;
}

/** What the last check left, for one program. A new check leaves a new one; it never changes in place, but for its caches. */
interface Checked {
  /** The last fully checked program: emits the declarations of the files not checked here since. */
  base: Program;
  /** Every file of the last checked program, by name. */
  files: ReadonlyMap<string, SourceFile>;
  rootNames: string;
  semantic: ReadonlyMap<string, readonly Diagnostic[]>;
  /** The declarations known to go with `files`, by policy source; filled from `base` as asked. */
  declarations: Map<string, DeclarationFile>;
  /** base's import graph, built at the first check here. */
  graph?: ImportGraph | { failed: string };
  /**
   * Declarations from before the last full check, for files it did not change: kept for those whose
   * imports, transitively, it did not change either (sorted out once the import graph is built).
   */
  inherited?: { declarations: ReadonlyMap<string, DeclarationFile>; changed: ReadonlySet<string> };
}

/** Thrown inside a check to hand the program to the full check. */
class Unanswerable extends Error {}

export class DeclarationChecks {
  private state: Checked | undefined;
  private readonly references = new WeakMap<DeclarationFile, ReadonlySet<string> | undefined>();

  constructor(private readonly root: string, private readonly convert: (diagnostic: TsDiagnostic) => Diagnostic) {}

  /**
   * What a full check found for `program`: the semantic diagnostics of each policy source. `clean` is
   * false when it also found program-wide or syntax errors: nothing is answered here until a full
   * check finds none.
   */
  record(program: Program, semantic: ReadonlyMap<string, readonly TsDiagnostic[]>, clean: boolean): void {
    const previous = this.state;
    this.state = undefined;
    if (!clean || [...semantic.values()].some((ds) => ds.some((d) => ORDER_OR_SOURCE_DEPENDENT.has(d.code)))) return;
    const files = new Map(program.getSourceFiles().map((file) => [file.fileName, file]));
    const converted = new Map([...semantic].map(([name, ds]) => [name, ds.map(this.convert)]));
    this.state = {
      base: program, files, rootNames: rootNamesOf(program), semantic: converted, declarations: new Map(),
      inherited: previous && this.inheritable(previous, program, files),
    };
  }

  /** The semantic diagnostics of every policy source of `program`, or why the full check must answer. */
  async check(program: Program): Promise<DeclarationAnswer | { failed: string }> {
    const state = this.state;
    if (!state) return { failed: "no fully checked program to start from" };
    try {
      return await this.checkFrom(state, program);
    } catch (error) {
      // Whatever went wrong here (TypeScript's internals are used in ways it does not promise), the
      // full check still answers, and right.
      return { failed: error instanceof Unanswerable ? error.message : `declaration check failed: ${String((error as Error)?.stack ?? error)}` };
    }
  }

  private async checkFrom(state: Checked, program: Program): Promise<DeclarationAnswer> {
    const root = this.root;
    const changed = changedSources(root, state, program);
    if (changed.length === 0) return { semantic: state.semantic, checked: 0 };
    const resolver = importResolver(program);
    if (!resolver) throw new Unanswerable("this TypeScript does not tell how a program resolved its imports");
    if (!state.graph) {
      const baseResolver = importResolver(state.base);
      state.graph = baseResolver ? importGraph(root, state.base, baseResolver) : { failed: "no resolutions of the full program" };
    }
    if ("failed" in state.graph) throw new Unanswerable(state.graph.failed);
    const graph = state.graph;
    this.inherit(state, graph);
    for (const name of changed) {
      const file = program.getSourceFile(name)!;
      if (reachesPastImports(file)) throw new Unanswerable(`${name} reaches past its imports`);
      if (importsOf(file, resolver) !== graph.imports.get(name)) throw new Unanswerable(`${name}: its imports changed`);
    }

    const languageVersion = program.getCompilerOptions().target ?? ts.ScriptTarget.ES2022;
    const declarations = new Map(state.declarations);
    const declarationOf = (sourceName: string): DeclarationFile | undefined => {
      const name = program.getSourceFile(sourceName)?.fileName ?? sourceName;
      let found = declarations.get(name);
      if (found) return found;
      // Not checked here since the full check: its declarations are the full program's.
      const known = state.files.get(name);
      const inBase = state.base.getSourceFile(name);
      if (!known || !inBase || known.text !== inBase.text) return undefined;
      const text = emitDeclaration(state.base, inBase);
      if (text === undefined) return undefined;
      found = new DeclarationFile(name, text, languageVersion);
      declarations.set(name, found);
      state.declarations.set(name, found); // right for the state's files, whatever this check concludes
      return found;
    };
    const standsIn = (fileName: string) => {
      const file = program.getSourceFile(fileName);
      return file !== undefined && isPolicySource(root, file.fileName);
    };

    const semantic = new Map(state.semantic);
    let checked = 0;
    let wave = changed;
    while (wave.length > 0) {
      checked += wave.length;
      if (checked > MOST_CHECKED) throw new Unanswerable(`more than ${MOST_CHECKED} files to check`);
      const before = new Map(wave.map((name) => [name, declarationOf(name)]));
      for (const [name, declaration] of before) if (!declaration) throw new Unanswerable(`no declarations for ${name}`);
      const outcome = checkAgainstDeclarations({ program, resolver, roots: wave, standsIn, declarationOf });
      if ("failed" in outcome) throw new Unanswerable(outcome.failed);
      const changedDeclarations: string[] = [];
      for (const name of wave) {
        const diagnostics = outcome.diagnostics.get(name)!;
        const suspect = diagnostics.find((d) => ORDER_OR_SOURCE_DEPENDENT.has(d.code));
        if (suspect) throw new Unanswerable(`${name}: TS${suspect.code} is left to the full check`);
        semantic.set(name, diagnostics.map(this.convert));
        const text = outcome.declarations.get(name)!;
        if (text !== before.get(name)!.text) {
          declarations.set(name, new DeclarationFile(name, text, languageVersion));
          changedDeclarations.push(name);
        }
      }
      wave = this.seeing(changedDeclarations, graph, declarationOf, resolver, program);
      // A wave is one call that cannot be cut; between two, the thread answers other requests.
      if (wave.length > 0) await new Promise((resolve) => setImmediate(resolve));
    }
    this.state = { ...state, files: new Map(program.getSourceFiles().map((file) => [file.fileName, file])), semantic, declarations };
    return { semantic, checked };
  }

  /**
   * The files to check again once the declarations of `changed` did: the files that import one of
   * them, or import a file whose declarations refer to one of them (`import("./a").T`), transitively.
   * A file's declarations can refer to a type of another only through an import of a file that does,
   * so the search follows importers from `changed`, through files found to refer.
   */
  private seeing(
    changed: readonly string[], graph: ImportGraph, declarationOf: (name: string) => DeclarationFile | undefined,
    resolver: ImportResolver, program: Program,
  ): string[] {
    const referring = new Set(changed);
    const importers = new Set<string>();
    for (let grew = true; grew;) {
      grew = false;
      for (const name of [...referring]) {
        for (const importer of graph.importers.get(name) ?? []) {
          importers.add(importer);
          if (referring.has(importer)) continue;
          const declaration = declarationOf(importer);
          if (!declaration) throw new Unanswerable(`no declarations for ${importer}`);
          const references = this.referencesOf(declaration, resolver, program);
          if ([...references].some((reference) => referring.has(reference))) {
            referring.add(importer);
            grew = true;
          }
        }
      }
    }
    return [...importers];
  }

  /** The policy sources a declaration file imports from. */
  private referencesOf(declaration: DeclarationFile, resolver: ImportResolver, program: Program): ReadonlySet<string> {
    if (this.references.has(declaration)) {
      const known = this.references.get(declaration);
      if (!known) throw new Unanswerable(`${declaration.fileName} imports a file outside the program`);
      return known;
    }
    const found = new Set<string>();
    let complete = true;
    const file = declaration.sourceFile;
    for (const literal of moduleReferences(file)) {
      const target = resolver.target(declaration.sourceName, literal, file);
      const imported = target === undefined ? undefined : program.getSourceFile(target);
      if (!imported) complete = false;
      else if (isPolicySource(this.root, imported.fileName)) found.add(imported.fileName);
    }
    this.references.set(declaration, complete ? found : undefined);
    return this.referencesOf(declaration, resolver, program);
  }

  /**
   * Declarations `previous` knew that stay right after a full check of `program`, if some may: those of
   * files whose text the full check found unchanged, unless an import of theirs changed, transitively
   * (sorted out by `inherit`). Nothing is kept when another set of files or another file than a policy
   * source (the authoring API, a lib) changed.
   */
  private inheritable(previous: Checked, program: Program, files: ReadonlyMap<string, SourceFile>): Checked["inherited"] {
    if (files.size !== previous.files.size || rootNamesOf(program) !== previous.rootNames) return undefined;
    const changed = new Set(previous.inherited?.changed ?? []);
    for (const [name, file] of files) {
      const before = previous.files.get(name);
      if (!before) return undefined;
      if (before.text === file.text) continue;
      if (!isPolicySource(this.root, name)) return undefined;
      changed.add(name);
    }
    const declarations = new Map([...previous.inherited?.declarations ?? [], ...previous.declarations]);
    for (const name of changed) declarations.delete(name);
    return declarations.size > 0 ? { declarations, changed } : undefined;
  }

  /** Takes over the inherited declarations that stay right, now that the import graph tells which. */
  private inherit(state: Checked, graph: ImportGraph): void {
    const inherited = state.inherited;
    if (!inherited) return;
    state.inherited = undefined;
    const stale = new Set(inherited.changed);
    const queue = [...stale];
    for (let name = queue.pop(); name !== undefined; name = queue.pop()) {
      for (const importer of graph.importers.get(name) ?? []) {
        if (!stale.has(importer)) {
          stale.add(importer);
          queue.push(importer);
        }
      }
    }
    for (const [name, declaration] of inherited.declarations) {
      if (!stale.has(name) && !state.declarations.has(name)) state.declarations.set(name, declaration);
    }
  }
}

function rootNamesOf(program: Program): string {
  return [...program.getRootFileNames()].sort().join("\u0000");
}

/**
 * The policy sources whose text differs between the last checked program and `program`; unanswerable
 * when anything else differs (another set of files, another root, a changed authoring API or lib).
 */
function changedSources(root: string, state: Checked, program: Program): string[] {
  if (rootNamesOf(program) !== state.rootNames) throw new Unanswerable("another set of policy files");
  const files = program.getSourceFiles();
  if (files.length !== state.files.size) throw new Unanswerable("another set of files");
  const changed: string[] = [];
  for (const file of files) {
    const before = state.files.get(file.fileName);
    if (!before) throw new Unanswerable(`${file.fileName} is new`);
    if (before === file || before.text === file.text) continue;
    if (!isPolicySource(root, file.fileName)) throw new Unanswerable(`${file.fileName} changed`);
    if (program.getSyntacticDiagnostics(file).length > 0) throw new Unanswerable(`${file.fileName} does not parse`);
    changed.push(file.fileName);
  }
  return changed;
}
