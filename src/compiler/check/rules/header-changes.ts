// TM1021: header changes must name valid header names, and must not both set and remove one header.
import type { Rule } from "../rule.ts";

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const HOP_BY_HOP = new Set(["connection", "keep-alive", "transfer-encoding", "upgrade", "host", "content-length"]);

export const headerChanges: Rule = {
  name: "header-changes",
  scope: "service",
  check(ctx) {
    for (const service of ctx.services) {
      service.spec.routes?.forEach((route, r) => {
        for (const direction of ["request", "response"] as const) {
          const changes = route.headers?.[direction];
          if (!changes) continue;
          const at = ["routes", r, "headers", direction];
          const named: [string, (string | number)[]][] = [
            ...Object.keys(changes.set ?? {}).map((h): [string, (string | number)[]] => [h, [...at, "set", h]]),
            ...Object.keys(changes.add ?? {}).map((h): [string, (string | number)[]] => [h, [...at, "add", h]]),
            ...(changes.remove ?? []).map((h, i): [string, (string | number)[]] => [h, [...at, "remove", i]]),
          ];
          for (const [header, path] of named) {
            if (!TOKEN.test(header)) ctx.report("TM1021", service, path, `${JSON.stringify(header)} is not a valid header name`);
            else if (HOP_BY_HOP.has(header.toLowerCase())) ctx.report("TM1021", service, path, `header ${header} is managed by the proxy and cannot be changed`);
          }
          const removed = new Set((changes.remove ?? []).map((h) => h.toLowerCase()));
          for (const header of Object.keys(changes.set ?? {})) {
            if (removed.has(header.toLowerCase())) {
              ctx.report("TM1021", service, [...at, "set", header], `header ${header} is both set and removed`);
            }
          }
        }
      });
    }
  },
};
