// Which policy sources import which, in a program: to tell whom a changed declaration concerns
// (declaration-check.ts), and whether an edited file still imports what it did. Built once per fully
// checked program: an edit the declarations answer leaves every file's imports as they were.
import type { Program, SourceFile } from "typescript";
import type { ImportResolver } from "./import-resolver.ts";
import { moduleReferences, reachesPastImports } from "./module-references.ts";
import { isPolicySource } from "./policy-files.ts";

export interface ImportGraph {
  /** The policy sources that import each one (import types and import() calls included). */
  importers: ReadonlyMap<string, ReadonlySet<string>>;
  /** Each policy source's imports, specifier and target: compared with an edited version's. */
  imports: ReadonlyMap<string, string>;
}

/** Each module specifier of `file` with the file it resolves to (undefined: to none). */
function targetsOf(file: SourceFile, resolver: ImportResolver): [specifier: string, target: string | undefined][] {
  return moduleReferences(file).map((literal) => [literal.text, resolver.target(file.fileName, literal, file)]);
}

/** A file's imports as one comparable string: each specifier with the file it resolves to. */
export function importsOf(file: SourceFile, resolver: ImportResolver): string {
  return signature(targetsOf(file, resolver));
}

function signature(targets: [string, string | undefined][]): string {
  return targets.map(([specifier, target]) => `${specifier}\u0000${target ?? ""}`).sort().join("\u0001");
}

/**
 * The graph of `program`'s policy sources, or why declarations cannot stand in for them: a policy source
 * that is not a plain .ts module (a .d.ts, .tsx, .mts, .cts: named or loaded otherwise) or one that reaches
 * past its imports (globals, augmentations: every file may see it).
 */
export function importGraph(root: string, program: Program, resolver: ImportResolver): ImportGraph | { failed: string } {
  const importers = new Map<string, Set<string>>();
  const imports = new Map<string, string>();
  for (const file of program.getSourceFiles()) {
    if (!isPolicySource(root, file.fileName)) continue;
    if (!file.fileName.endsWith(".ts") || file.isDeclarationFile) return { failed: `${file.fileName} is not a plain .ts module` };
    if (reachesPastImports(file)) return { failed: `${file.fileName} reaches past its imports` };
    const targets = targetsOf(file, resolver);
    imports.set(file.fileName, signature(targets));
    for (const [, target] of targets) {
      const imported = target === undefined ? undefined : program.getSourceFile(target);
      if (!imported || !isPolicySource(root, imported.fileName)) continue;
      let set = importers.get(imported.fileName);
      if (!set) importers.set(imported.fileName, (set = new Set()));
      set.add(file.fileName);
    }
  }
  return { importers, imports };
}
