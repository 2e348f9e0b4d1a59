// TM1025: each string match compares exactly one way (exact, prefix, regex, or present for headers and
// query parameters); and methods are HTTP methods.
import { matchesOf } from "../context.ts";
import type { Rule } from "../rule.ts";

const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"]);

export const matchShape: Rule = {
  name: "match-shape",
  scope: "service",
  check(ctx) {
    for (const service of ctx.services) {
      service.spec.routes?.forEach((route, r) => {
        const base = (m: number) => (Array.isArray(route.match) ? ["routes", r, "match", m] : ["routes", r, "match"]);
        matchesOf(route).forEach((match, m) => {
          const compared: [Record<string, unknown>, (string | number)[]][] = [];
          if (match.path) compared.push([match.path, [...base(m), "path"]]);
          for (const kind of ["headers", "query"] as const) {
            for (const [name, value] of Object.entries(match[kind] ?? {})) compared.push([value, [...base(m), kind, name]]);
          }
          for (const [value, path] of compared) {
            const ways = Object.keys(value);
            if (ways.length !== 1) {
              ctx.report("TM1025", service, path, `a match must compare exactly one way (exact, prefix, regex${path.includes("path") ? "" : " or present"}), found ${ways.length === 0 ? "none" : ways.join(" and ")}`);
            }
          }
          for (const method of [match.method ?? []].flat()) {
            if (!METHODS.has(method)) ctx.report("TM1025", service, [...base(m), "method"], `${JSON.stringify(method)} is not an HTTP method`);
          }
        });
      });
      for (const action of ["allow", "deny"] as const) {
        service.spec.authorization?.[action]?.forEach((rule, i) => {
          for (const method of rule.methods ?? []) {
            if (!METHODS.has(method)) ctx.report("TM1025", service, ["authorization", action, i, "methods"], `${JSON.stringify(method)} is not an HTTP method`);
          }
        });
      }
    }
  },
};
