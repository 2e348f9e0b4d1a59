// TM1003: one service (namespace/name) is defined once; a second definition would silently win.
import type { Rule } from "../rule.ts";

export const duplicateService: Rule = {
  name: "duplicate-service",
  scope: "graph", // iterates byKey and reports on every later definition, citing the first one's site
  check(ctx) {
    for (const [key, definitions] of ctx.byKey) {
      const [first, ...others] = definitions;
      if (!first) continue;
      for (const other of others) {
        ctx.report("TM1003", other, [],
          `service ${key} is already defined at ${first.site.at.file}:${first.site.at.line}`,
          "keep one definition and import it where it is needed");
      }
    }
  },
};
