// A semantic rule: one file, one concern, one or more codes from the catalog.
import type { CheckContext } from "./context.ts";

export interface Rule {
  /** kebab-case, as in the rule's file name. */
  name: string;
  /**
   * What a re-check may reuse of the rule's findings (check-cache.ts). Either way the rule iterates
   * ctx.services and reports only about the service it is at:
   * - "service": from that service's declaration alone — it runs in a context holding nothing else, and
   *   its findings are kept until the declaration changes;
   * - "universe": also from the universe (universe.ts: ctx.meshes' specs, ctx.byKey's keys and version
   *   names) — kept until the declaration or the universe changes;
   * - "graph": it reads or reports across declarations in other ways (duplicates, the mesh defaults),
   *   and runs over everything on every check.
   */
  scope: "service" | "universe" | "graph";
  check(context: CheckContext): void;
}
