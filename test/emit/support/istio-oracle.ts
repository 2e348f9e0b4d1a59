// An independent reading of Istio's semantics for the emitted resources: a VirtualService tries `http`
// entries in order (first match wins; uri prefix is a plain string prefix; regexes match the whole
// value); authorization is DENY first, then ALLOW if any ALLOW policy exists; STRICT refuses plaintext.
import type { RequestFacts } from "../../../src/compiler/simulate/match-request.ts";

const whole = (pattern: string, value: string) => new RegExp(`^(?:${pattern})$`).test(value);

function stringMatches(m: { exact?: string; prefix?: string; regex?: string }, value: string | undefined): boolean {
  if (value === undefined) return false;
  if (m.exact !== undefined) return value === m.exact;
  if (m.prefix !== undefined) return value.startsWith(m.prefix);
  if (m.regex !== undefined) return whole(m.regex, value);
  return true;
}

function httpMatchHolds(match: any, r: RequestFacts): boolean {
  if (match.uri && !stringMatches(match.uri, r.path)) return false;
  if (match.method && !stringMatches(match.method, r.method)) return false;
  for (const [name, m] of Object.entries<any>(match.headers ?? {})) if (!stringMatches(m, r.headers[name])) return false;
  for (const [name, m] of Object.entries<any>(match.queryParams ?? {})) if (!stringMatches(m, r.query[name])) return false;
  return true;
}

export function pickHttpRoute(virtualService: any, r: RequestFacts): any | undefined {
  return virtualService.spec.http.find((entry: any) => !entry.match || entry.match.some((m: any) => httpMatchHolds(m, r)));
}

/** Istio's path patterns: exact, "prefix*", "*suffix", "*". */
function pathPattern(pattern: string, path: string): boolean {
  if (pattern === "*") return true;
  if (pattern.endsWith("*")) return path.startsWith(pattern.slice(0, -1));
  if (pattern.startsWith("*")) return path.endsWith(pattern.slice(1));
  return pattern === path;
}

function ruleHolds(rule: any, principal: string | undefined, method: string, path: string): boolean {
  if (rule.from && !rule.from.some((f: any) => principal !== undefined && (f.source.principals ?? []).includes(principal))) return false;
  if (rule.to && !rule.to.some((t: any) => (!t.operation.methods || t.operation.methods.includes(method)) && (!t.operation.paths || t.operation.paths.some((p: string) => pathPattern(p, path))))) return false;
  return true;
}

/** `principal` is the caller's SPIFFE ID without scheme, or undefined for a plaintext client. */
export function istioAuthorize(policies: any[], peerAuthentication: any, principal: string | undefined, method: string, path: string): boolean {
  if (peerAuthentication?.spec.mtls.mode === "STRICT" && principal === undefined) return false;
  const of = (action: string) => policies.filter((p) => p.spec.action === action);
  if (of("DENY").some((p) => p.spec.rules.some((rule: any) => ruleHolds(rule, principal, method, path)))) return false;
  const allow = of("ALLOW");
  return allow.length === 0 || allow.some((p) => p.spec.rules.some((rule: any) => ruleHolds(rule, principal, method, path)));
}
