// Who may call a service, by its authorization as the mesh enforces it (Istio's order): a DENY rule that
// matches wins; a service without ALLOW rules takes any caller; once it has one, only what an ALLOW rule
// names gets through. Written for people: "all requests", "GET|HEAD /search /products/*", "denied".
import type { AuthzRuleIR, MeshIR, ServiceIR } from "../../../compiler/ir/schema.ts";

export const PLAINTEXT = "(plaintext)";

export interface CallerAccess {
  caller: string;
  level: "all" | "some" | "none";
  detail: string;
}

const applies = (rule: AuthzRuleIR, caller: string) =>
  rule.from === undefined || (caller !== PLAINTEXT && rule.from.includes(caller));

export function describeRule(rule: AuthzRuleIR): string {
  const what = [rule.methods?.join("|"), rule.paths?.join(" ")].filter(Boolean).join(" ");
  return what || "all requests";
}

/** Why every request of `caller` is refused, or undefined when some get through. */
export function refusalOf(service: ServiceIR, caller: string): string | undefined {
  if (caller === PLAINTEXT && service.mtls === "strict") return "mTLS strict: plaintext refused";
  const deny = service.authorization.deny.find((r) => applies(r, caller) && !r.methods && !r.paths);
  if (deny) return deny.from ? `DENY rule names ${caller}` : "DENY rule for every caller";
  const allow = service.authorization.allow;
  if (allow.length > 0 && !allow.some((r) => applies(r, caller))) return "not in any ALLOW rule";
  return undefined;
}

export function accessOf(service: ServiceIR, caller: string): CallerAccess {
  const refusal = refusalOf(service, caller);
  if (refusal) return { caller, level: "none", detail: `denied: ${refusal}` };
  const denies = service.authorization.deny.filter((r) => applies(r, caller)).map(describeRule);
  const except = denies.length > 0 ? ` except ${denies.join("; ")}` : "";
  const allow = service.authorization.allow;
  if (allow.length === 0) return { caller, level: denies.length ? "some" : "all", detail: `all requests${except} (no ALLOW rules)` };
  const rules = allow.filter((r) => applies(r, caller));
  if (rules.some((r) => !r.methods && !r.paths)) return { caller, level: denies.length ? "some" : "all", detail: `all requests${except}` };
  return { caller, level: "some", detail: `${rules.map(describeRule).join("; ")}${except}` };
}

/** Every other declared service as a caller, plus a plaintext client when the service is permissive. */
export function callersOf(ir: MeshIR, service: ServiceIR): CallerAccess[] {
  const callers = ir.services.filter((s) => s.id !== service.id).map((s) => s.id);
  return [...callers, PLAINTEXT].map((caller) => accessOf(service, caller));
}

/** The service id a proxy serves: proxies may register "frontend" or "shop/frontend". */
export function serviceOfProxy(ir: MeshIR, name: string): string {
  if (ir.services.some((s) => s.id === name)) return name;
  const matches = ir.services.filter((s) => s.name === name || `${s.name}.${s.namespace}` === name);
  return matches.length === 1 ? matches[0]!.id : name;
}
