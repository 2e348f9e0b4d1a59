// A semantic rule: one file, one concern, one or more codes from the catalog.
import type { CheckContext } from "./context.ts";

export interface Rule {
  /** kebab-case, as in the rule's file name. */
  name: string;
  check(context: CheckContext): void;
}
