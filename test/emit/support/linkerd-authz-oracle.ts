// An independent reading of Linkerd's inbound policy over the emitted resources: with inbound HTTPRoutes
// on the Server a request is checked against the one route ranked first (no route: refused); it is
// allowed when a policy on the Server or on that route has all its authentications satisfied, and
// otherwise the Server's accessPolicy decides.
import { pickRule, type HttpRouteObject } from "./gamma-oracle.ts";

export interface Caller { name: string; namespace: string }

function authenticated(authn: any, caller: Caller | undefined): boolean {
  if (!authn) return false;
  if (authn.kind === "NetworkAuthentication") return authn.spec.networks.some((n: any) => n.cidr === "0.0.0.0/0");
  if (!caller) return false;
  if (authn.spec.identities?.includes("*")) return true;
  return (authn.spec.identityRefs ?? []).some((ref: any) => ref.kind === "ServiceAccount" && ref.name === caller.name && ref.namespace === caller.namespace);
}

export function linkerdAuthorize(resources: any[], service: Caller, caller: Caller | undefined, method: string, path: string): boolean | "ambiguous" {
  const mine = resources.filter((r) => r.metadata.namespace === service.namespace);
  const server = mine.find((r) => r.kind === "Server" && r.metadata.name === service.name);
  if (!server) return true;
  const inbound: HttpRouteObject[] = mine.filter((r) => r.kind === "HTTPRoute" && r.spec.parentRefs.some((p: any) => p.kind === "Server" && p.name === service.name));
  let routeName: string | undefined;
  if (inbound.length > 0) {
    const picked = pickRule(inbound, { method, path, headers: {}, query: {} }, "linkerd");
    if (picked === "ambiguous") return "ambiguous";
    if (!picked) return false;
    routeName = picked.route.metadata.name;
  }
  const applies = (p: any) => (p.spec.targetRef.kind === "Server" && p.spec.targetRef.name === service.name) ||
    (p.spec.targetRef.kind === "HTTPRoute" && p.spec.targetRef.name === routeName);
  const policies = mine.filter((r) => r.kind === "AuthorizationPolicy" && applies(r));
  const authn = (ref: any) => mine.find((r) => r.kind === ref.kind && r.metadata.name === ref.name);
  if (policies.some((p) => p.spec.requiredAuthenticationRefs.every((ref: any) => authenticated(authn(ref), caller)))) return true;
  switch (server.spec.accessPolicy ?? "deny") {
    case "all-unauthenticated": return true;
    case "all-authenticated": return caller !== undefined;
    default: return false;
  }
}
