// Checks a few policy files in a small throw-away program in which every other policy module is its
// declaration (.d.ts) text, as TypeScript's project references check a project against the .d.ts of
// the projects it references. A fresh checker of the full program infers, for one edited file, the
// types of everything that file imports, transitively (each service's type comes from a
// defineService(...) call that names other services): about a second on 1,000 modules. Here the
// imports are read from declarations, already written out, and only the checked files are inferred.
//
// Everything else is the full program's: its options (emit stays off: the declarations are emitted
// by force, declaration-emit.ts), its parsed files (the edited file is not parsed again, the authoring
// API and the libs are not re-bound) and its module resolutions (import-resolver.ts).
import type { CompilerOptions, Diagnostic as TsDiagnostic, Program } from "typescript";
import type { DeclarationFile } from "./declaration-file.ts";
import { emitDeclaration } from "./declaration-emit.ts";
import type { ImportResolver } from "./import-resolver.ts";
import { ts } from "./typescript.ts";

export interface DeclarationProgramInput {
  /** The full program: every file the small one loads, but the declarations, is its very SourceFile. */
  program: Program;
  resolver: ImportResolver;
  /** The policy sources to check; each is checked against the others' declarations too. */
  roots: readonly string[];
  /** Whether an import of this file is answered by its declarations (a policy source of the program). */
  standsIn(fileName: string): boolean;
  /** The declarations of such a file, or undefined when it has none that can be trusted. */
  declarationOf(sourceName: string): DeclarationFile | undefined;
}

export interface CheckedAgainstDeclarations {
  /** Each root's semantic diagnostics. */
  diagnostics: Map<string, readonly TsDiagnostic[]>;
  /** Each root's declarations, as checked. */
  declarations: Map<string, string>;
}

/** The roots checked, or why they cannot be checked this way (the full check answers then). */
export function checkAgainstDeclarations(input: DeclarationProgramInput): CheckedAgainstDeclarations | { failed: string } {
  const { program, resolver, roots } = input;
  // incremental/tsBuildInfoFile concern the builder's saved state, not what a check finds.
  const { incremental: _incremental, tsBuildInfoFile: _tsBuildInfoFile, ...options }: CompilerOptions = program.getCompilerOptions();
  const loaded = new Map<string, DeclarationFile>();
  let failed: string | undefined;
  const fail = (why: string) => void (failed ??= why);

  const host = ts.createCompilerHost(options, true);
  host.getSourceFile = (fileName) => {
    const declaration = loaded.get(fileName);
    if (declaration) return declaration.sourceFile;
    const file = program.getSourceFile(fileName);
    // Nothing outside the full program: what it would add is not what the full check sees.
    if (!file) fail(`${fileName} is not in the full program`);
    return file;
  };
  host.writeFile = () => fail("the small program tried to write a file");
  host.resolveModuleNameLiterals = (literals, containingFile, _redirected, _options, containing) => {
    const standingIn = loaded.get(containingFile);
    const sourceName = standingIn?.sourceName ?? containingFile;
    return literals.map((literal) => {
      const resolved = resolver.resolve(sourceName, literal, containing);
      const target = resolved.resolvedModule;
      if (target && input.standsIn(target.resolvedFileName)) {
        const declaration = input.declarationOf(target.resolvedFileName);
        if (!declaration) {
          fail(`no declarations for ${target.resolvedFileName}`);
          return resolved;
        }
        loaded.set(declaration.fileName, declaration);
        return {
          resolvedModule: {
            resolvedFileName: declaration.fileName, extension: ts.Extension.Dts, isExternalLibraryImport: false,
            resolvedUsingTsExtension: target.resolvedUsingTsExtension,
          },
        };
      }
      // A declaration's import must lead to a file of the full program: one that leads nowhere would
      // turn a type into any, silently (declarations are not checked, skipLibCheck).
      if (standingIn && (!target || !program.getSourceFile(target.resolvedFileName))) {
        fail(`${standingIn.fileName}: "${literal.text}" resolves to no file of the program`);
      }
      return resolved;
    });
  };

  const small = ts.createProgram({ rootNames: roots, options, host });
  if (failed) return { failed };
  if (small.getOptionsDiagnostics().length > 0 || small.getGlobalDiagnostics().length > 0) return { failed: "program-wide diagnostics" };
  for (const declaration of loaded.values()) {
    if (small.getSyntacticDiagnostics(declaration.sourceFile).length > 0) return { failed: `${declaration.fileName} does not parse` };
  }
  const diagnostics = new Map<string, readonly TsDiagnostic[]>();
  const declarations = new Map<string, string>();
  for (const root of roots) {
    const file = small.getSourceFile(root);
    if (!file || file !== program.getSourceFile(root)) return { failed: `${root} was not loaded from the full program` };
    diagnostics.set(root, small.getSemanticDiagnostics(file));
    const text = emitDeclaration(small, file);
    if (text === undefined) return { failed: `${root}: its declarations cannot be emitted` };
    declarations.set(root, text);
  }
  return failed ? { failed } : { diagnostics, declarations };
}
