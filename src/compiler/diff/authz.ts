// Who may call whom, before and after. Each cell says how much of a service a caller may reach (all,
// some methods/paths, none), evaluated as the proxies do (simulate/authorize.ts): DENY wins, no ALLOW
// rule allows everyone, otherwise only what an ALLOW rule names; plaintext never reaches strict mTLS.
import type { AuthzRuleIR, MeshIR, ServiceIR } from "../ir/schema.ts";
import type { AccessLevel, AuthzCell, AuthzMatrix } from "./report.ts";

export const PLAINTEXT = "(plaintext)";
/** Meshes up to this size show the whole matrix; larger ones only the rows and columns that changed. */
const FULL_MATRIX_UP_TO = 12;

export interface Access { level: AccessLevel; detail: string; grants: string[]; denies: string[] }

const applies = (rule: AuthzRuleIR, caller: string) => !rule.from || (caller !== PLAINTEXT && rule.from.includes(caller));
const restricted = (rule: AuthzRuleIR) => Boolean(rule.methods || rule.paths);
const grant = (rule: AuthzRuleIR) => [rule.methods?.join("|"), rule.paths?.join(", ")].filter(Boolean).join(" ") || "any request";

export function access(service: ServiceIR, caller: string): Access {
  if (caller === PLAINTEXT && service.mtls === "strict") return { level: "none", detail: "refused: mTLS required", grants: [], denies: [] };
  const denies = service.authorization.deny.filter((r) => applies(r, caller));
  if (denies.some((r) => !restricted(r))) return { level: "none", detail: "denied by a deny rule", grants: [], denies: ["everything"] };
  const denyText = denies.map(grant);
  const except = denyText.length ? ` except ${denyText.join("; ")}` : "";
  if (service.authorization.allow.length === 0) {
    return { level: denies.length ? "some" : "all", detail: `any request (no allow rules)${except}`, grants: ["everything"], denies: denyText };
  }
  const allows = service.authorization.allow.filter((r) => applies(r, caller));
  if (allows.length === 0) return { level: "none", detail: "denied (no allow rule admits it)", grants: [], denies: denyText };
  const grants = [...new Set(allows.map((r) => (restricted(r) ? grant(r) : "everything")))].sort();
  const all = grants.includes("everything");
  return { level: all && !denies.length ? "all" : "some", detail: `${all ? "any request" : grants.join("; ")}${except}`, grants, denies: denyText };
}

const RANK: Record<AccessLevel, number> = { none: 0, some: 1, all: 2 };

/** True when head lets the caller do something base did not. */
export function widened(before: Access, after: Access): boolean {
  if (RANK[after.level] !== RANK[before.level]) return RANK[after.level] > RANK[before.level];
  if (after.level !== "some") return false;
  const newGrant = after.grants.some((g) => !before.grants.includes(g)) && !before.grants.includes("everything");
  const liftedDeny = before.denies.some((d) => !after.denies.includes(d));
  return newGrant || liftedDeny;
}

export function narrowed(before: Access, after: Access): boolean {
  return widened(after, before);
}

const callersOf = (ir: MeshIR) => ir.services.map((s) => s.id);

/** Services whose cells can differ: authorization or mTLS changed, or present on one side only. */
function candidateServices(base: MeshIR, head: MeshIR): string[] {
  const before = new Map(base.services.map((s) => [s.id, s]));
  const after = new Map(head.services.map((s) => [s.id, s]));
  const ids = [...new Set([...before.keys(), ...after.keys()])].sort();
  if (ids.length <= FULL_MATRIX_UP_TO) return ids;
  const key = (s: ServiceIR) => JSON.stringify([s.mtls, s.authorization.allow.map(strip), s.authorization.deny.map(strip)]);
  return ids.filter((id) => !before.has(id) || !after.has(id) || key(before.get(id)!) !== key(after.get(id)!));
}

const strip = ({ source: _source, ...rule }: AuthzRuleIR) => rule;

export function authzMatrix(base: MeshIR, head: MeshIR): { matrix: AuthzMatrix; accesses: Map<string, { before?: Access; after?: Access }> } {
  const services = candidateServices(base, head);
  const before = new Map(base.services.map((s) => [s.id, s]));
  const after = new Map(head.services.map((s) => [s.id, s]));
  const callers = [...new Set([...callersOf(base), ...callersOf(head)])].sort().concat(PLAINTEXT);
  const cells: AuthzCell[] = [];
  const accesses = new Map<string, { before?: Access; after?: Access }>();
  for (const service of services) {
    for (const caller of callers) {
      const callerBefore = caller === PLAINTEXT || before.has(caller), callerAfter = caller === PLAINTEXT || after.has(caller);
      const b = before.has(service) && callerBefore ? access(before.get(service)!, caller) : undefined;
      const a = after.has(service) && callerAfter ? access(after.get(service)!, caller) : undefined;
      const changed = Boolean(a && b && (a.level !== b.level || a.detail !== b.detail));
      const effect = a && b && changed ? (widened(b, a) ? (narrowed(b, a) ? "mixed" : "widened") : narrowed(b, a) ? "narrowed" : "mixed") : undefined;
      accesses.set(`${caller}→${service}`, { ...(b && { before: b }), ...(a && { after: a }) });
      cells.push({ caller, service, ...(b && { before: { level: b.level, detail: b.detail } }), ...(a && { after: { level: a.level, detail: a.detail } }), changed, ...(effect && { effect }) });
    }
  }
  const small = new Set([...before.keys(), ...after.keys()]).size <= FULL_MATRIX_UP_TO;
  const keepCaller = new Set(cells.filter((c) => small || c.changed).map((c) => c.caller));
  const keepService = new Set(cells.filter((c) => small || c.changed).map((c) => c.service));
  const shown = cells.filter((c) => keepCaller.has(c.caller) && keepService.has(c.service));
  return {
    matrix: { callers: callers.filter((c) => keepCaller.has(c)), services: services.filter((s) => keepService.has(s)), cells: shown },
    accesses,
  };
}
