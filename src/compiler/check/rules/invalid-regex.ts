// TM1006: regex matches must compile (with the RE2-compatible subset Envoy accepts in mind, JavaScript's
// syntax is what the typemesh proxies run).
import { matchesOf } from "../context.ts";
import type { Rule } from "../rule.ts";

/** V8's reason alone: its message repeats the pattern ("Invalid regular expression: /(a/: Unterminated group"). */
function reason(source: string, error: Error): string {
  return error.message.replace(/^Invalid regular expression: /, "").replace(`/${source}/: `, "");
}

export const invalidRegex: Rule = {
  name: "invalid-regex",
  scope: "service",
  check(ctx) {
    for (const service of ctx.services) {
      service.spec.routes?.forEach((route, r) => {
        const matches = matchesOf(route);
        const prefix = Array.isArray(route.match) ? (m: number) => ["routes", r, "match", m] : () => ["routes", r, "match"];
        matches.forEach((match, m) => {
          const candidates: [string, (string | number)[]][] = [];
          if (match.path?.regex !== undefined) candidates.push([match.path.regex, [...prefix(m), "path"]]);
          for (const kind of ["headers", "query"] as const) {
            for (const [name, value] of Object.entries(match[kind] ?? {})) {
              if (value.regex !== undefined) candidates.push([value.regex, [...prefix(m), kind, name]]);
            }
          }
          for (const [source, path] of candidates) {
            try {
              new RegExp(source);
            } catch (error) {
              ctx.report("TM1006", service, path, `invalid regular expression /${source}/: ${reason(source, error as Error)}`);
            }
          }
        });
      });
    }
  },
};
