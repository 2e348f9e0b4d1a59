// What an import resolves to, as a given program resolved it. A file re-checked in a small program
// (declaration-program.ts) must see the very modules the full program would give it, so the full
// program's own resolutions are read back (Program.getResolvedModule, used by TypeScript's builder and
// language service but not in the public typings). A specifier the program never resolved (one a
// .d.ts wrote for a type it could not name otherwise) is resolved with the program's options.
import type { Program, ResolvedModuleWithFailedLookupLocations, ResolutionMode, SourceFile, StringLiteralLike } from "typescript";
import { ts } from "./typescript.ts";

type GetResolvedModule = (file: SourceFile, moduleName: string, mode: ResolutionMode) => ResolvedModuleWithFailedLookupLocations | undefined;

export interface ImportResolver {
  /**
   * Where `literal`, written in `containing`, leads. `sourceName` is the file it is resolved from: the
   * containing file itself, or for a .d.ts standing in for a policy source, that source (same directory).
   */
  resolve(sourceName: string, literal: StringLiteralLike, containing: SourceFile): ResolvedModuleWithFailedLookupLocations;
  /** The resolved file name, or undefined for an import that resolves to nothing. */
  target(sourceName: string, literal: StringLiteralLike, containing: SourceFile): string | undefined;
}

/** The resolver of `program`, or undefined on a TypeScript whose programs no longer answer. */
export function importResolver(program: Program): ImportResolver | undefined {
  const getResolvedModule = (program as Program & { getResolvedModule?: GetResolvedModule }).getResolvedModule;
  if (typeof getResolvedModule !== "function") return undefined;
  const options = program.getCompilerOptions();
  const cache = ts.createModuleResolutionCache(program.getCurrentDirectory(), (name) => ts.sys.useCaseSensitiveFileNames ? name : name.toLowerCase(), options);
  const resolve = (sourceName: string, literal: StringLiteralLike, containing: SourceFile) => {
    const mode = ts.getModeForUsageLocation(containing, literal, options);
    const source = program.getSourceFile(sourceName);
    const known = source && getResolvedModule.call(program, source, literal.text, mode);
    return known ?? ts.resolveModuleName(literal.text, sourceName, options, ts.sys, cache, undefined, mode);
  };
  return { resolve, target: (sourceName, literal, containing) => resolve(sourceName, literal, containing).resolvedModule?.resolvedFileName };
}
