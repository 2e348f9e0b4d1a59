// Authorization as Istio evaluates it: plaintext to a strict service is refused at the connection; a
// matching DENY rule denies; a service without ALLOW rules allows; otherwise a matching ALLOW allows and
// everything else is denied. The reason says which rule decided, so a 403 can be explained.
import type { AuthzRuleIR, ServiceIR } from "../ir/schema.ts";

export interface Caller {
  /** Caller service id ("namespace/name"), or undefined for a plaintext client outside the mesh. */
  service?: string;
}

export type AuthzDecision =
  | { decision: "allow"; reason: "no-allow-rules" | "allowed-by-rule"; rule?: { action: "allow"; index: number; source: AuthzRuleIR["source"] } }
  | { decision: "deny"; reason: "mtls-required" | "denied-by-rule" | "no-matching-allow-rule"; rule?: { action: "deny"; index: number; source: AuthzRuleIR["source"] } };

/** Istio path patterns: exact, "/prefix/*", "*suffix", or "*". */
export function pathPatternMatches(pattern: string, path: string): boolean {
  if (pattern === "*") return true;
  if (pattern.endsWith("*")) return path.startsWith(pattern.slice(0, -1));
  if (pattern.startsWith("*")) return path.endsWith(pattern.slice(1));
  return path === pattern;
}

export function ruleMatches(rule: AuthzRuleIR, caller: Caller, method: string, path: string): boolean {
  if (rule.from && (caller.service === undefined || !rule.from.includes(caller.service))) return false;
  if (rule.methods && !rule.methods.includes(method as never)) return false;
  if (rule.paths && !rule.paths.some((p) => pathPatternMatches(p, path))) return false;
  return true;
}

export function authorize(service: ServiceIR, caller: Caller, method: string, path: string): AuthzDecision {
  if (caller.service === undefined && service.mtls === "strict") return { decision: "deny", reason: "mtls-required" };
  const { allow, deny } = service.authorization;
  const denied = deny.findIndex((rule) => ruleMatches(rule, caller, method, path));
  if (denied >= 0) {
    return { decision: "deny", reason: "denied-by-rule", rule: { action: "deny", index: denied, source: deny[denied]!.source } };
  }
  if (allow.length === 0) return { decision: "allow", reason: "no-allow-rules" };
  const allowed = allow.findIndex((rule) => ruleMatches(rule, caller, method, path));
  if (allowed >= 0) {
    return { decision: "allow", reason: "allowed-by-rule", rule: { action: "allow", index: allowed, source: allow[allowed]!.source } };
  }
  return { decision: "deny", reason: "no-matching-allow-rule" };
}
