// Keeps declaration sites between compiles of one directory (--watch, a control plane's policies
// source). Walking 1,000 declarations' literals costs about 0.3 s on every re-check, while an edit
// usually touches one file. A site is reused only while every parsed file it was read from is the very
// same SourceFile the type checker keeps for unchanged text (type-check.ts), so an edit anywhere in
// what a site followed (its own file, an import hop, the declaration of a shared constant) re-walks it.
import type { Program, SourceFile } from "typescript";
import type { SourceLocation } from "../diagnostics/diagnostic.ts";
import { callKey, type DeclarationSite } from "./declaration-site.ts";
import { locateDeclarationIn, type LocatedSite } from "./locate.ts";
import { ts } from "./typescript.ts";

export interface SiteCache {
  /** Starts a compile over `program`: what earlier ones located and still holds is kept. */
  begin(root: string, program: Program): (call: SourceLocation) => FoundSite;
  /** How many located sites are kept now. */
  readonly size: number;
}

export interface FoundSite {
  site: DeclarationSite;
  /**
   * Kept from an earlier compile: the very site this cache answered for the same call then, still
   * holding. A caller that keeps its answers by call (module-session.ts) need not be sent it again.
   */
  kept: boolean;
}

/**
 * A re-export (`export { x } from`, `export * from`) is a hop the alias walk cannot always see (an
 * `export *` resolves past the barrel file): when a changed file has one, nothing is kept.
 */
function reExports(file: SourceFile): boolean {
  return file.statements.some((statement) => ts.isExportDeclaration(statement) && statement.moduleSpecifier !== undefined);
}

export function createSiteCache(): SiteCache {
  // Every call located since the cache last started over: a session's re-check asks only for the
  // declarations an edit may have changed, and the others are asked again in a later one.
  let sites = new Map<string, LocatedSite>();
  let seen = new Map<string, SourceFile>();
  let seenRoot = "";

  const stillHolds = (located: LocatedSite, program: Program) =>
    [...located.files].every((file) => program.getSourceFile(file.fileName) === file);

  return {
    begin(root, program) {
      const now = new Map(program.getSourceFiles().map((file) => [file.fileName, file]));
      const added = [...now.keys()].some((name) => !seen.has(name));
      const removed = [...seen.keys()].some((name) => !now.has(name));
      const changed = [...now.values()].filter((file) => seen.get(file.fileName) !== file);
      // A file added or removed can change what an import resolves to: start over then.
      if (root !== seenRoot || added || removed || changed.some(reExports)) sites = new Map();
      // A site read from a file that changed is never answered again as it is: its call is located
      // anew when asked. Dropping it now keeps a long session's cache to the declarations there are
      // (an edit that moves a declaration leaves its old position behind, which nobody asks for again).
      else if (changed.length > 0) for (const [key, located] of sites) if (!stillHolds(located, program)) sites.delete(key);
      seen = now;
      seenRoot = root;
      const known = sites;
      return (call) => {
        const key = callKey(call); // one root per cache (a new root starts over)
        const found = known.get(key);
        if (found && stillHolds(found, program)) return { site: found.site, kept: true };
        const located = locateDeclarationIn(root, program, call);
        known.set(key, located);
        return { site: located.site, kept: false };
      };
    },
    get size() {
      return sites.size;
    },
  };
}
