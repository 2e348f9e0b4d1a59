// The one catalog of diagnostic codes. Codes are stable: tools and CI filters match on them.
// TM0xxx come from loading (types, bundling, the sandbox); TM1xxx from the semantic rules;
// TM3xxx from emit targets.
import type { Severity } from "./diagnostic.ts";

export interface CatalogEntry {
  severity: Severity;
  title: string;
}

export const catalog = {
  TM0001: { severity: "error", title: "type error in a policy file" },
  TM0002: { severity: "error", title: "import not allowed in a policy module" },
  TM0003: { severity: "error", title: "policy module does not parse or bundle" },
  TM0004: { severity: "error", title: "policy module threw while evaluating" },
  TM0005: { severity: "error", title: "policy evaluation exceeded its time limit" },
  TM0006: { severity: "error", title: "policy used a capability the sandbox does not give" },
  TM0007: { severity: "error", title: "no policy files found" },
  TM0008: { severity: "error", title: "internal error: lowered IR failed its schema" },
  TM1001: { severity: "error", title: "route names a version the service does not declare" },
  TM1002: { severity: "error", title: "split weights do not sum to 100" },
  TM1003: { severity: "error", title: "one service is defined more than once" },
  TM1004: { severity: "error", title: "route after a catch-all can never match" },
  TM1005: { severity: "error", title: "route is shadowed by an identical earlier match" },
  TM1006: { severity: "error", title: "invalid regular expression" },
  TM1007: { severity: "warning", title: "retry budget is larger than the route timeout" },
  TM1008: { severity: "warning", title: "non-idempotent method retried without opt-in" },
  TM1009: { severity: "error", title: "authorization rule names an unknown service" },
  TM1010: { severity: "error", title: "mirror sends to the route's own destination" },
  TM1011: { severity: "error", title: "percentage out of range" },
  TM1012: { severity: "error", title: "service declares no versions" },
  TM1013: { severity: "error", title: "invalid duration" },
  TM1014: { severity: "error", title: "mirror target is not a declared service or version" },
  TM1015: { severity: "error", title: "mesh defaults missing or declared twice" },
  TM1016: { severity: "error", title: "invalid service name, namespace or port" },
  TM1017: { severity: "error", title: "route has no destination" },
  TM1018: { severity: "error", title: "invalid fault injection" },
  TM1019: { severity: "warning", title: "no catch-all route: unmatched requests get 404" },
  TM1020: { severity: "error", title: "invalid retry policy" },
  TM1021: { severity: "error", title: "invalid header change" },
  TM1022: { severity: "error", title: "invalid connection limits or outlier detection" },
  TM1023: { severity: "warning", title: "an allow rule is fully covered by a deny rule" },
  TM1024: { severity: "error", title: "a policy value has the wrong type or an unknown field" },
  TM1025: { severity: "error", title: "a match compares more or fewer than one way, or names no HTTP method" },
  TM1026: { severity: "error", title: "invalid rollout" },
  TM3001: { severity: "warning", title: "target cannot inject faults" },
  TM3002: { severity: "warning", title: "target cannot mirror this request share" },
  TM3003: { severity: "warning", title: "target cannot retry" },
  TM3004: { severity: "warning", title: "target cannot express a retry setting" },
  TM3005: { severity: "warning", title: "target may not keep the declared route order" },
  TM3006: { severity: "warning", title: "target matches path prefixes by whole path segments" },
  TM3007: { severity: "warning", title: "regular expression may not carry over to the target's engine" },
  TM3008: { severity: "warning", title: "target cannot express connection limits or outlier detection" },
  TM3009: { severity: "warning", title: "target cannot choose the load balancer" },
  TM3010: { severity: "warning", title: "target cannot express mTLS modes or authorization" },
  TM3011: { severity: "warning", title: "deny rule could only be applied by denying more" },
  TM3012: { severity: "warning", title: "per-route authorization changes how the target authorizes" },
  TM3013: { severity: "warning", title: "emitted resource exceeds a target limit" },
  TM3014: { severity: "warning", title: "target does not run typemesh rollouts" },
} as const satisfies Record<string, CatalogEntry>;

export type DiagnosticCode = keyof typeof catalog;
