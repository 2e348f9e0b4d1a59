// Type-checks the policy modules with the TypeScript compiler API, exactly as an editor would see them
// (strict, `typemesh` mapped to the authoring API, no ambient Node types so `process` is an error too).
// A PolicyTypeChecker keeps parsed files and the previous builder program, so --watch re-checks only
// what an edit affects. It runs in the type checker's thread (type-check-worker.ts). After a full
// check, an edit of a few policy files is first checked against the declarations of the files they
// import (declaration-check.ts), in a fraction of the time; the builder answers anything else.
import path from "node:path";
import type { CompilerHost, CompilerOptions, Diagnostic as TsDiagnostic, EmitAndSemanticDiagnosticsBuilderProgram, Program, SourceFile } from "typescript";
import type { Diagnostic } from "../diagnostics/diagnostic.ts";
import { DeclarationChecks } from "./declaration-check.ts";
import { dslEntry } from "./paths.ts";
import { isPolicySource, relativePolicyPath } from "./policy-files.ts";
import { saveTypeCheckState } from "./type-check-state.ts";
import { ts } from "./typescript.ts";

export function policyCompilerOptions(): CompilerOptions {
  return {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ["lib.es2022.d.ts"],
    types: [],
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    allowImportingTsExtensions: true,
    noUncheckedIndexedAccess: false,
    paths: { typemesh: [dslEntry] },
  };
}

/** The same options as a tsconfig.json `compilerOptions` block, for running plain tsc over a tree. */
export function policyTsconfig(): Record<string, unknown> {
  return {
    target: "ES2022", module: "ESNext", moduleResolution: "Bundler", lib: ["ES2022"], types: [],
    strict: true, noEmit: true, skipLibCheck: true, allowImportingTsExtensions: true,
    paths: { typemesh: [dslEntry] },
  };
}

export interface TypeCheckRun {
  /** Parsed and bound: what the AST lookups (computed imports, declaration sites) read at once. */
  program: Program;
  /**
   * The type errors of the policy sources, checked from the first call on. Files are checked a slice of
   * time at a time, yielding to the event loop between slices, so that the thread answers other
   * requests (where the declarations are) while it checks.
   */
  diagnostics(): Promise<Diagnostic[]>;
}

/** How long one slice of type checking holds the event loop. */
const SLICE_MS = 15;

function toDiagnostic(root: string, d: TsDiagnostic): Diagnostic {
  const message = ts.flattenDiagnosticMessageText(d.messageText, "\n");
  const base = { code: "TM0001", severity: "error" as const, message: `TS${d.code}: ${message}` };
  if (!d.file || d.start === undefined) return base;
  const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
  return { ...base, location: { file: relativePolicyPath(root, d.file.fileName), line: line + 1, column: character + 1 } };
}

export interface TypeCheckerOptions {
  /**
   * Where the checked state is read from on the first check and saved after each (TypeScript's
   * .tsbuildinfo, type-check-state.ts); without it nothing outlives the checker.
   */
  stateFile?: string;
}

export class PolicyTypeChecker {
  private readonly options: CompilerOptions;
  private readonly host: CompilerHost;
  private readonly stateFile: string | undefined;
  private readonly cache = new Map<string, { text: string; file: SourceFile }>();
  private builder: EmitAndSemanticDiagnosticsBuilderProgram | undefined;
  /** A fully checked program whose state is not saved yet. */
  private unsaved: EmitAndSemanticDiagnosticsBuilderProgram | undefined;
  private readonly declarations: DeclarationChecks;
  /** How many policy files the last finished check had to type-check (the rest it knew unchanged). */
  checkedFiles = 0;
  /**
   * Which check answered last: the builder's ("full"), or the check of the edited files against their
   * imports' declarations ("declarations", declaration-check.ts).
   */
  lastCheck: "full" | "declarations" = "full";
  /** When the full check answered: why the declarations could not. */
  lastFallback: string | undefined;

  constructor(private readonly root: string, { stateFile }: TypeCheckerOptions = {}) {
    this.stateFile = stateFile;
    const resolved = path.resolve(root);
    this.declarations = new DeclarationChecks(resolved, (d) => toDiagnostic(resolved, d));
    this.options = stateFile ? { ...policyCompilerOptions(), incremental: true, tsBuildInfoFile: stateFile } : policyCompilerOptions();
    const host = ts.createCompilerHost(this.options, true);
    const read = host.getSourceFile.bind(host);
    host.getSourceFile = (fileName, languageVersion, onError) => {
      const text = ts.sys.readFile(fileName);
      if (text === undefined) return read(fileName, languageVersion, onError);
      const cached = this.cache.get(fileName);
      if (cached && cached.text === text) return cached.file;
      const file = ts.createSourceFile(fileName, text, languageVersion, true);
      // The builder program tells changed files apart by version; a content hash is a stable one.
      (file as SourceFile & { version?: string }).version = ts.sys.createHash?.(text) ?? String(text.length) + text;
      this.cache.set(fileName, { text, file });
      return file;
    };
    this.host = host;
  }

  /** Saves the state of the last fully checked program (with noEmit, emitting writes only that). */
  saveState(): void {
    const { stateFile, unsaved } = this;
    this.unsaved = undefined;
    if (stateFile && unsaved) unsaved.emit(undefined, (_name, text) => saveTypeCheckState(stateFile, text));
  }

  /** The state a previous process saved, when it can be read; TypeScript discards one of another version. */
  private savedState(): EmitAndSemanticDiagnosticsBuilderProgram | undefined {
    if (!this.stateFile) return undefined;
    try {
      return ts.readBuilderProgram(this.options, this.host);
    } catch {
      return undefined; // unreadable: checked from scratch, and saved anew
    }
  }

  start(files: readonly string[]): TypeCheckRun {
    // A new program takes over the previous one's state; that state is saved once the new one is checked.
    this.unsaved = undefined;
    const previous = this.builder ?? this.savedState();
    try {
      this.builder = ts.createEmitAndSemanticDiagnosticsBuilderProgram([...files], this.options, this.host, previous);
    } catch (error) {
      if (this.builder || !previous) throw error;
      // A saved state that parses but does not fit: start over without it.
      this.builder = ts.createEmitAndSemanticDiagnosticsBuilderProgram([...files], this.options, this.host);
    }
    const builder = this.builder;
    const program = builder.getProgram();
    const root = path.resolve(this.root);
    let diagnostics: Promise<Diagnostic[]> | undefined;
    return { program, diagnostics: () => (diagnostics ??= this.diagnosticsOf(builder, program, root)) };
  }

  private async diagnosticsOf(builder: EmitAndSemanticDiagnosticsBuilderProgram, program: Program, root: string): Promise<Diagnostic[]> {
    // Only the policies' own sources are reported. A file outside the directory that a policy imports is
    // refused by the bundler (TM0002); its type errors would be noise, and would quote code from outside.
    const sources = program.getSourceFiles().filter((file) => isPolicySource(root, file.fileName));
    const all = [
      ...builder.getConfigFileParsingDiagnostics(),
      ...builder.getOptionsDiagnostics(),
      ...sources.flatMap((file) => builder.getSyntacticDiagnostics(file)),
    ];
    const clean = all.length === 0;
    let fallback: string | undefined = "program-wide or syntax errors";
    if (clean) {
      // The builder is not asked for the edited files: it keeps them as still to check, which a later
      // full check does (and its saved state says so).
      const answer = await this.declarations.check(program);
      if (!("failed" in answer)) {
        this.unsaved = builder;
        this.checkedFiles = answer.checked;
        this.lastCheck = "declarations";
        this.lastFallback = undefined;
        return sources.flatMap((file) => answer.semantic.get(file.fileName) ?? []);
      }
      fallback = answer.failed;
    }
    // The builder knows which files an edit affects: a file whose imports changed shape is re-checked
    // even though its own text did not change. Until every affected file has been visited this way,
    // asking a file for its diagnostics may answer from before the edit.
    const skip = (file: SourceFile) => !isPolicySource(root, file.fileName);
    let sliceStart = performance.now();
    let checked = 0;
    while (builder.getSemanticDiagnosticsOfNextAffectedFile(undefined, skip)) {
      checked++;
      if (performance.now() - sliceStart >= SLICE_MS) {
        await new Promise((resolve) => setImmediate(resolve));
        sliceStart = performance.now();
      }
    }
    const semantic = new Map(sources.map((file) => [file.fileName, builder.getSemanticDiagnostics(file)]));
    for (const diagnostics of semantic.values()) all.push(...diagnostics);
    this.declarations.record(program, semantic, clean);
    this.unsaved = builder;
    this.checkedFiles = checked;
    this.lastCheck = "full";
    this.lastFallback = fallback;
    return all.map((d) => toDiagnostic(root, d));
  }
}
