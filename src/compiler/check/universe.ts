// The universe: what a universe-scoped rule (rule.ts) may read beyond the service it reports on. Its
// findings for a service hold as long as that service's declaration and this fingerprint are unchanged,
// so the fingerprint must cover every such read:
// - the key of every declaration that passed the shape check, in order (unknown-caller: is a caller
//   declared; mirror-target: is a mirror target declared);
// - each declaration's version names (mirror-target reads the first declaration's of its target);
// - the mesh declarations' specs (no such rule reads them today; they are in its context).
// A rule that reads anything else of another declaration is graph-scoped (rule.ts), or this grows.
import type { CheckedMesh, CheckedService } from "./context.ts";

export function universeOf(meshes: readonly CheckedMesh[], services: readonly CheckedService[]): string {
  // In declaration order, so that "the first declaration of a key" is covered without sorting.
  return JSON.stringify([meshes.map((m) => m.spec), services.map((s) => [s.key, Object.keys(s.spec.versions)])]);
}
