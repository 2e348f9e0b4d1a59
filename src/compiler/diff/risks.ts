// Risk banners: the few changes a reviewer must not miss, each pointing at the policy line in head
// that causes it. Only what head introduces counts; a risk already in base is old news.
import type { AuthzRuleIR, MeshIR, RouteIR } from "../ir/schema.ts";
import { type Access, PLAINTEXT, widened } from "./authz.ts";
import { unreachableRoutes } from "./coverage.ts";
import { describeMatches, routeMethods } from "./describe.ts";
import { DROPPED_FEATURE_CODES, emitLimits } from "./emit-limits.ts";
import { weakened } from "./mtls.ts";
import type { Risk } from "./report.ts";

const NON_IDEMPOTENT = ["POST", "PATCH"];
const ruleKey = ({ source: _s, ...rule }: AuthzRuleIR) => JSON.stringify(rule);

function authzRisks(base: MeshIR, head: MeshIR, accesses: Map<string, { before?: Access; after?: Access }>): Risk[] {
  const risks: Risk[] = [];
  const baseServices = new Map(base.services.map((s) => [s.id, s]));
  for (const [key, { before, after }] of accesses) {
    if (!before || !after || !widened(before, after)) continue;
    const [caller, serviceId] = key.split("→") as [string, string];
    // Plaintext let in by a weaker mTLS mode is the mTLS banner's news, not a second one.
    if (caller === PLAINTEXT && before.detail === "refused: mTLS required") continue;
    const service = head.services.find((s) => s.id === serviceId)!;
    const oldRules = new Set(baseServices.get(serviceId)?.authorization.allow.map(ruleKey));
    const rule = service.authorization.allow.find((r) => !oldRules.has(ruleKey(r)) && (!r.from || r.from.includes(caller)));
    const who = caller === PLAINTEXT ? "plaintext clients outside the mesh" : caller;
    risks.push({
      code: "authz-widened", service: serviceId,
      message: `${who} → ${serviceId}: was ${before.detail}, now ${after.detail}`,
      location: rule?.source ?? service.source,
    });
  }
  return risks;
}

function mtlsRisks(base: MeshIR, head: MeshIR): Risk[] {
  const before = new Map(base.services.map((s) => [s.id, s]));
  const weaker = head.services.filter((s) => weakened(before.get(s.id)?.mtls, s.mtls));
  if (weakened(base.mesh.mtls, head.mesh.mtls)) {
    // One banner for the mesh default, naming the services it weakens, rather than one per service.
    const names = weaker.map((s) => s.id);
    const listed = names.length > 10 ? `${names.slice(0, 10).join(", ")} and ${names.length - 10} more` : names.join(", ");
    return [{ code: "mtls-weakened", service: "(mesh)", message: `mesh-wide default strict → permissive; ${names.length} service${names.length === 1 ? "" : "s"} now accept plaintext clients without an identity${names.length ? ` (${listed})` : ""}`, ...(head.mesh.source && { location: head.mesh.source }) }];
  }
  return weaker.map((service) => ({ code: "mtls-weakened" as const, service: service.id, message: `${service.id}: strict → permissive; plaintext clients without an identity are now accepted`, location: service.source }));
}

/** Methods among POST/PATCH a route retries (or, without opt-in, asks to and is warned about). */
function retriedNonIdempotent(route: RouteIR | undefined): string[] {
  if (!route?.retries || route.retries.attempts === 0) return [];
  const methods = routeMethods(route);
  return NON_IDEMPOTENT.filter((m) => !methods || methods.has(m));
}

function retryRisks(base: MeshIR, head: MeshIR): Risk[] {
  const risks: Risk[] = [];
  const before = new Map(base.services.map((s) => [s.id, s]));
  for (const service of head.services) {
    for (const route of service.routes) {
      const methods = retriedNonIdempotent(route);
      if (methods.length === 0) continue;
      const old = before.get(service.id)?.routes.find((r) => r.name === route.name);
      const was = retriedNonIdempotent(old);
      if (methods.every((m) => was.includes(m)) && old?.retries?.retryNonIdempotent === route.retries!.retryNonIdempotent) continue;
      const n = route.retries!.attempts;
      risks.push({
        code: "non-idempotent-retry", service: service.id, route: route.name, location: route.retries && route.source,
        message: route.retries!.retryNonIdempotent
          ? `${methods.join(" and ")} requests to ${service.id} route ${route.name} are retried up to ${n} time${n === 1 ? "" : "s"} (retryNonIdempotent): each retry may repeat a side effect such as a payment`
          : `route ${route.name} of ${service.id} declares retries on ${methods.join(" and ")} requests without retryNonIdempotent (TM1008): they are not retried, which is probably not what the change meant`,
      });
    }
  }
  return risks;
}

function unreachableRisks(base: MeshIR, head: MeshIR): Risk[] {
  const before = new Map(base.services.map((s) => [s.id, new Set(unreachableRoutes(s).map((u) => u.route.name))]));
  return head.services.flatMap((service) => unreachableRoutes(service)
    .filter(({ route }) => !before.get(service.id)?.has(route.name))
    .map(({ route, by }) => ({
      code: "unreachable-route" as const, service: service.id, route: route.name, location: route.source,
      message: `route ${route.name} of ${service.id} (${describeMatches(route)}) can never match: route ${by.name} before it takes all of its requests`,
    })));
}

/** Features a target drops that head newly uses in the changed services. */
function newEmitLimits(base: MeshIR, headLimits: readonly (Risk & { diagnostic: string })[], changed: ReadonlySet<string>): Risk[] {
  // Same target, code, service and route means the same loss, whatever counts the message carries.
  const key = (r: Risk & { diagnostic: string }) => `${r.message.split(":")[0]}|${r.diagnostic}|${r.service}|${/route (\S+) of/.exec(r.message)?.[1] ?? ""}`;
  const old = new Set(emitLimits(base, changed).map(key));
  return headLimits.filter((r) => DROPPED_FEATURE_CODES.has(r.diagnostic) && !old.has(key(r))).map(({ diagnostic: _d, ...risk }) => risk);
}

export function computeRisks(base: MeshIR, head: MeshIR, accesses: Map<string, { before?: Access; after?: Access }>, changed: ReadonlySet<string>, headLimits: readonly (Risk & { diagnostic: string })[]): Risk[] {
  return [...authzRisks(base, head, accesses), ...mtlsRisks(base, head), ...retryRisks(base, head), ...unreachableRisks(base, head), ...newEmitLimits(base, headLimits, changed)];
}
