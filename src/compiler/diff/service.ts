// One service before → after: versions, ports, balancing, mTLS, breakers, authorization rules,
// rollout, and its route table. Source positions alone are not a change.
import type { AuthzRuleIR, ServiceIR } from "../ir/schema.ts";
import { diffBreakers } from "./breakers.ts";
import { diffServiceMtls } from "./mtls.ts";
import type { Change, ServiceImpact } from "./report.ts";
import { diffRoutes } from "./routes.ts";

/** JSON without source positions: what "the same policy" compares. */
export function policyJson(value: unknown): string {
  return JSON.stringify(value ?? null, (key, v: unknown) => (key === "source" ? undefined : v));
}

function describeRule(rule: AuthzRuleIR): string {
  const what = [rule.methods?.join("|"), rule.paths?.join(", ")].filter(Boolean).join(" ");
  return `${rule.from ? rule.from.join(", ") : "any caller"}${what ? `: ${what}` : ""}`;
}

function diffAuthzRules(base: ServiceIR, head: ServiceIR): Change[] {
  const changes: Change[] = [];
  for (const action of ["allow", "deny"] as const) {
    const before = new Set(base.authorization[action].map(policyJson));
    const after = new Set(head.authorization[action].map(policyJson));
    for (const rule of head.authorization[action]) {
      if (!before.has(policyJson(rule))) changes.push({ kind: "authorization", summary: `new ${action} rule: ${describeRule(rule)}`, location: rule.source });
    }
    for (const rule of base.authorization[action]) {
      if (!after.has(policyJson(rule))) changes.push({ kind: "authorization", summary: `${action} rule removed: ${describeRule(rule)}` });
    }
  }
  return changes;
}

function diffSettings(base: ServiceIR, head: ServiceIR): Change[] {
  const changes: Change[] = [];
  const versions = (s: ServiceIR) => s.versions.map((v) => v.name).join(", ");
  if (policyJson(base.versions) !== policyJson(head.versions)) changes.push({ kind: "versions", location: head.source, summary: `versions ${versions(base)} → ${versions(head)}` });
  if (base.port !== head.port) changes.push({ kind: "port", location: head.source, summary: `port ${base.port} → ${head.port}` });
  if (base.loadBalancer !== head.loadBalancer) changes.push({ kind: "load-balancer", location: head.source, summary: `load balancing ${base.loadBalancer} → ${head.loadBalancer}` });
  if (policyJson(base.rollout) !== policyJson(head.rollout)) {
    const r = (s: ServiceIR) => (s.rollout ? `${s.rollout.from} → ${s.rollout.to} in steps ${s.rollout.steps.join(", ")}%` : "none");
    changes.push({ kind: "rollout", location: head.rollout?.source ?? head.source, summary: `declared rollout ${r(base)} → ${r(head)}` });
  }
  return changes;
}

export function diffService(base: ServiceIR | undefined, head: ServiceIR | undefined): { impact?: ServiceImpact; routes: { added: number; removed: number; changed: number } } {
  const routes = diffRoutes(base, head);
  const counts = { added: routes.added, removed: routes.removed, changed: routes.changed };
  if (!base || !head) {
    const s = (head ?? base)!;
    const status = head ? "added" as const : "removed" as const;
    const summary = head
      ? `new service ${s.id} (${s.versions.map((v) => v.name).join(", ")}; mTLS ${s.mtls}; ${s.routes.length} route${s.routes.length === 1 ? "" : "s"})`
      : `service ${s.id} removed: its callers get 404 (unknown service) from their proxies`;
    return { impact: { id: s.id, status, changes: [{ kind: head ? "service-added" : "service-removed", summary, ...(head && { location: head.source }) }], routes: routes.rows, ...(head && { location: head.source }) }, routes: counts };
  }
  if (policyJson(base) === policyJson(head)) return { routes: counts };
  const changes = [...diffSettings(base, head), ...diffServiceMtls(base, head), ...diffBreakers(base, head), ...diffAuthzRules(base, head), ...routes.changes];
  return { impact: { id: head.id, status: "changed", changes, routes: routes.rows, location: head.source }, routes: counts };
}
