// Inbound policy per service: a Server for its port, then an AuthorizationPolicy per grant (grants.ts)
// with the authentication it requires — MeshTLSAuthentication for named callers (by ServiceAccount,
// whatever Linkerd's trust domain is called) or any meshed caller on a strict service, a
// NetworkAuthentication of every address for any caller on a permissive one. Grants limited to methods
// or paths need inbound HTTPRoutes on the Server; a catch-all one keeps other requests answered 403.
import type { MeshIR, ServiceIR } from "../../../ir/schema.ts";
import { MAX_MATCHES, MAX_RULES, chunk } from "../gamma/filters.ts";
import { workloadSelector } from "../shared/names.ts";
import type { TargetReport } from "../shared/report.ts";
import { resource, type Resource } from "../shared/resource.ts";
import { LINKERD_HTTPROUTE } from "./http-route.ts";
import { planGrants, type Grant } from "./grants.ts";
import { patternPath } from "./path-patterns.ts";
import { httpRouteMatch, type Atom } from "../gamma/atoms.ts";
import { EMPTY, intersectAtoms } from "../gamma/intersect.ts";
import { comparePrecedence } from "../gamma/precedence.ts";
import { serviceById } from "../shared/service-index.ts";

const POLICY = "policy.linkerd.io";
const EVERY_ADDRESS = [{ cidr: "0.0.0.0/0" }, { cidr: "::/0" }];

function authentication(ir: MeshIR, service: ServiceIR, grant: Grant, name: string): Resource {
  const meta = { name, namespace: service.namespace };
  if (grant.callers !== "any") {
    const identityRefs = grant.callers.map((id) => {
      const caller = serviceById(ir, id);
      const [namespace, sa] = caller ? [caller.namespace, caller.name] : id.split("/");
      return { kind: "ServiceAccount", name: sa!, namespace: namespace! };
    });
    return resource(`${POLICY}/v1alpha1`, "MeshTLSAuthentication", meta, { identityRefs });
  }
  return service.mtls === "strict"
    ? resource(`${POLICY}/v1alpha1`, "MeshTLSAuthentication", meta, { identities: ["*"] })
    : resource(`${POLICY}/v1alpha1`, "NetworkAuthentication", meta, { networks: EVERY_ADDRESS });
}

/** The requests a grant covers, as match atoms (one path pattern and at most one method each). */
function grantAtoms(grant: Grant | undefined): Atom[] {
  const paths = grant?.paths ?? ["*"];
  const methods = grant?.methods ?? [undefined];
  return paths.flatMap((p) => methods.map((method) => {
    const path = patternPath(p);
    return { ...(path && { path }), ...(method && { method }), headers: [], query: [] };
  }));
}

function inboundRoute(service: ServiceIR, name: string, grant: Grant | undefined, report: TargetReport): Resource {
  const matches = grantAtoms(grant).map(httpRouteMatch);
  const rules = chunk(matches, MAX_MATCHES).map((part) => ({ matches: part }));
  if (rules.length > MAX_RULES && grant) {
    report.report("TM3013", grant.source, `an authorization rule of ${service.id} needs ${matches.length} matches, more than one HTTPRoute holds: only the first ${MAX_RULES * MAX_MATCHES} are allowed`);
  }
  return resource(LINKERD_HTTPROUTE, "HTTPRoute", { name, namespace: service.namespace }, {
    parentRefs: [{ group: POLICY, kind: "Server", name: service.name }],
    rules: rules.slice(0, MAX_RULES),
  });
}

function policy(service: ServiceIR, name: string, target: { kind: string; name: string }, authn: Resource): Resource {
  return resource(`${POLICY}/v1alpha1`, "AuthorizationPolicy", { name, namespace: service.namespace }, {
    targetRef: { group: POLICY, ...target },
    requiredAuthenticationRefs: [{ group: POLICY, kind: authn.kind, name: authn.metadata.name }],
  });
}

function covers(wider: Grant, narrower: Grant): boolean {
  return wider.callers === "any" || (narrower.callers !== "any" && narrower.callers.every((c) => wider.callers.includes(c)));
}

/**
 * A request both grants cover is authorized by the one inbound route Linkerd ranks first. That is only
 * harmless if, wherever they overlap, the winning route's callers include the other's.
 */
function overlapLosesCallers(a: Grant, b: Grant): boolean {
  for (const x of grantAtoms(a)) {
    for (const y of grantAtoms(b)) {
      if (intersectAtoms(x, y) === EMPTY) continue;
      const winner = (comparePrecedence(x, y, "linkerd") ?? 0) > 0 ? a : (comparePrecedence(y, x, "linkerd") ?? 0) > 0 ? b : undefined;
      if (!winner || !covers(winner, winner === a ? b : a)) return true;
    }
  }
  return false;
}

function reportRouteLevel(service: ServiceIR, routed: Grant[], report: TargetReport): void {
  report.report("TM3012", routed[0]!.source,
    `${service.id} allows some callers only some methods or paths, which Linkerd expresses with inbound HTTPRoutes; with those, Linkerd no longer authorizes kubelet probes on its own`,
    "add an allow rule for your probe paths (e.g. paths: [\"/healthz\"]) or use a separate probe port");
  routed.forEach((a, i) => routed.slice(i + 1).forEach((b) => {
    if (!overlapLosesCallers(a, b)) return;
    report.report("TM3012", b.source,
      `a request matching both ${a.name} and ${b.name} of ${service.id} is checked against the one inbound HTTPRoute Linkerd ranks first, so a caller allowed by only the other rule is denied`,
      "make the rules' methods or paths disjoint");
  }));
}

export function linkerdAuthorization(ir: MeshIR, service: ServiceIR, report: TargetReport, taken: Set<string>): Resource[] {
  const { allow, deny } = service.authorization;
  const server = (accessPolicy: string) => resource(`${POLICY}/v1beta3`, "Server", { name: service.name, namespace: service.namespace }, {
    podSelector: { matchLabels: workloadSelector(service) },
    port: service.port,
    accessPolicy,
  });
  // No rules: the Server's own default policy says it, mTLS mode included.
  if (allow.length === 0 && deny.length === 0) return [server(service.mtls === "strict" ? "all-authenticated" : "all-unauthenticated")];
  const plan = planGrants(ir, service);
  for (const { deny: d, lost } of plan.narrowings) {
    report.report("TM3011", d.source,
      `Linkerd has no deny rules, so this rule of ${service.id} is applied by narrowing the allow rules; what has no allow form is denied too: ${lost.join("; ")}`,
      "name the callers, methods or paths the allow rules grant, so the deny only removes whole ones");
  }
  const name = (suffix: string) => {
    let n = `${service.name}-${suffix}`;
    for (let i = 2; taken.has(n); i++) n = `${service.name}-${suffix}-${i}`;
    taken.add(n);
    return n;
  };
  const resources: Resource[] = [server("deny")];
  const routed = plan.grants.filter((g) => g.methods || g.paths);
  for (const grant of plan.grants) {
    const base = name(grant.name);
    const authn = authentication(ir, service, grant, base);
    if (grant.methods || grant.paths) {
      resources.push(inboundRoute(service, base, grant, report), authn, policy(service, base, { kind: "HTTPRoute", name: base }, authn));
    } else {
      resources.push(authn, policy(service, base, { kind: "Server", name: service.name }, authn));
    }
  }
  if (routed.length > 0) {
    resources.push(inboundRoute(service, name("inbound-default"), undefined, report));
    reportRouteLevel(service, routed, report);
  }
  return resources;
}
