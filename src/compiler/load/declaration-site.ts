// Where a declaration was written, as plain data: made in the type checker's thread (locate.ts), read
// by the rules and lowering on the compiler's, which never load TypeScript.
import type { SourceLocation } from "../diagnostics/diagnostic.ts";

/** Value path (keys and indices joined by "/") → where that value was written. "" is the whole spec. */
export type LocationIndex = Record<string, SourceLocation>;

export interface DeclarationSite {
  at: SourceLocation;
  locations: LocationIndex;
}

/** A declaration call's position, as the site cache and the check record key its site. */
export const callKey = (call: SourceLocation): string => `${call.file}:${call.line}:${call.column}`;

/** The location of a value path, or of its nearest written ancestor. */
export function locate(site: DeclarationSite, valuePath: readonly (string | number)[]): SourceLocation {
  for (let n = valuePath.length; n >= 0; n--) {
    const found = site.locations[valuePath.slice(0, n).join("/")];
    if (found) return found;
  }
  return site.at;
}
