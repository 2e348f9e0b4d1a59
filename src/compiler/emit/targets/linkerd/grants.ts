// Linkerd authorizes only: a Server denies what no AuthorizationPolicy allows, and there is no deny
// rule. So typemesh's allow and deny rules are folded into "grants" (who may send which requests):
// the allow rules (or one allow-all when there are none), minus every deny rule. A ∖ D is the union of
// A with D's callers removed, A with D's methods removed and A with D's paths removed; what has no
// exact form (anyone but D's callers, any path but D's) is narrowed further, never widened.
import type { AuthzRuleIR, HttpMethodIR, MeshIR, ServiceIR, SourceLocationIR } from "../../../ir/schema.ts";
import { patternCovers, patternsMayOverlap } from "./path-patterns.ts";

export const ALL_METHODS: HttpMethodIR[] = ["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT", "TRACE"];

export interface Grant {
  /** Caller service ids, or any caller (any authenticated one on a strict service). */
  callers: "any" | string[];
  methods?: HttpMethodIR[];
  paths?: string[];
  /** The allow rule behind it, or the service for the implicit allow-all. */
  source: SourceLocationIR;
  /** `allow-<n>` after the declared rule, `allow-all` for the implicit one; pieces get -1, -2… */
  name: string;
}

export interface Narrowing {
  deny: AuthzRuleIR;
  /** What was denied beyond the deny rule, for the diagnostic. */
  lost: string[];
}

function disjoint(a: Grant, d: AuthzRuleIR): boolean {
  if (a.callers !== "any" && d.from && !a.callers.some((c) => d.from!.includes(c))) return true;
  if (a.methods && d.methods && !a.methods.some((m) => d.methods!.includes(m))) return true;
  return Boolean(a.paths && d.paths && !a.paths.some((p) => d.paths!.some((q) => patternsMayOverlap(p, q))));
}

function subtract(ir: MeshIR, a: Grant, d: AuthzRuleIR): { pieces: Grant[]; lost: string[] } {
  if (disjoint(a, d)) return { pieces: [a], lost: [] };
  const pieces: Grant[] = [];
  const lost: string[] = [];
  if (d.from) {
    // "Anyone but these" has no form: the services the policies know are listed, the rest is denied.
    if (a.callers === "any") lost.push("callers outside these policies (and plaintext clients)");
    const from = a.callers === "any" ? ir.services.map((s) => s.id) : a.callers;
    const rest = from.filter((c) => !d.from!.includes(c));
    if (rest.length > 0) pieces.push({ ...a, callers: rest });
  }
  if (d.methods) {
    const rest = (a.methods ?? ALL_METHODS).filter((m) => !d.methods!.includes(m));
    if (rest.length > 0) pieces.push({ ...a, methods: rest });
  }
  if (d.paths) {
    const partly = (p: string) => d.paths!.some((q) => patternsMayOverlap(p, q)) && !d.paths!.some((q) => patternCovers(q, p));
    if (!a.paths) {
      if (!d.paths.includes("*")) lost.push("paths outside the deny rule's");
    } else {
      const rest = a.paths.filter((p) => !d.paths!.some((q) => patternsMayOverlap(p, q)));
      if (rest.length > 0) pieces.push({ ...a, paths: rest });
      const partial = a.paths.filter(partly);
      if (partial.length > 0) lost.push(`the rest of ${partial.join(", ")}`);
    }
  }
  return { pieces, lost };
}

export function planGrants(ir: MeshIR, service: ServiceIR): { grants: Grant[]; narrowings: Narrowing[] } {
  const { allow, deny } = service.authorization;
  let grants: Grant[] = allow.length === 0
    ? [{ callers: "any", source: service.source, name: "allow-all" }]
    : allow.map((rule, i) => ({
      callers: rule.from ?? "any",
      ...(rule.methods && { methods: rule.methods }),
      ...(rule.paths && { paths: rule.paths }),
      source: rule.source,
      name: `allow-${i + 1}`,
    }));
  const narrowings: Narrowing[] = [];
  for (const d of deny) {
    const lost = new Set<string>();
    grants = grants.flatMap((g) => {
      const result = subtract(ir, g, d);
      result.lost.forEach((l) => lost.add(l));
      return result.pieces;
    });
    if (lost.size > 0) narrowings.push({ deny: d, lost: [...lost] });
  }
  // Stable names: a rule that became several pieces numbers them in order.
  const count = new Map<string, number>();
  for (const g of grants) count.set(g.name, (count.get(g.name) ?? 0) + 1);
  const seen = new Map<string, number>();
  grants = grants.map((g) => {
    if (count.get(g.name) === 1) return g;
    const n = (seen.get(g.name) ?? 0) + 1;
    seen.set(g.name, n);
    return { ...g, name: `${g.name}-${n}` };
  });
  return { grants, narrowings };
}
