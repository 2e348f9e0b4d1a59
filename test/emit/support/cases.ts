// The policy cases every emitter runs over (the shared suite, STYLE.md's hono routers): each exercises
// features every target has to express or report. Trust domain "example.org", so principals that
// follow "cluster.local" or the demo's domain are caught.
import type { MeshIR } from "../../../src/compiler/ir/schema.ts";
import { match, meshIR, route, rule, service, versions } from "./build-ir.ts";

export const TRUST_DOMAIN = "example.org";
const svc = (id: string, partial: Parameters<typeof service>[2] = {}) => service(TRUST_DOMAIN, id, partial);

/** One service, one version, nothing declared. */
export function minimalCase(): MeshIR {
  return meshIR(TRUST_DOMAIN, [svc("default/hello")]);
}

/** Every routing feature, routes that overlap in every way the ordering pass handles. */
export function routingCase(): MeshIR {
  const shadow = svc("audit/shadow", { versions: versions("v1", "v2") });
  const shop = svc("shop/orders", {
    versions: versions("v1", "v2", "v3"),
    routes: [
      route("beta-header", { matches: [match({ headers: [{ name: "x-beta", match: { kind: "present", value: "" } }] })], destinations: [{ version: "v3", weight: 100 }], timeoutMs: 101 }),
      route("cookie", { matches: [match({ headers: [{ name: "cookie", match: { kind: "prefix", value: "canary=" } }] })], destinations: [{ version: "v2", weight: 100 }], timeoutMs: 102,
        requestHeaders: { set: { "x-route": "cookie" }, add: { "x-trace": "yes" }, remove: ["x-debug"] } }),
      route("exact-order", { matches: [match({ path: { kind: "exact", value: "/orders/export" }, methods: ["GET", "HEAD"] })], timeoutMs: 103,
        retries: { attempts: 2, perTryTimeoutMs: 50, retryOn: ["5xx"], retryOnStatus: [409], backoff: { baseMs: 25, maxMs: 250 }, retryNonIdempotent: false } }),
      route("writes", { matches: [match({ path: { kind: "prefix", value: "/orders" }, methods: ["POST", "PUT"] })], timeoutMs: 104,
        retries: { attempts: 1, retryOn: ["gateway-error"], retryOnStatus: [], backoff: { baseMs: 25, maxMs: 250 }, retryNonIdempotent: false },
        mirror: { service: "audit/shadow", version: "v2", percent: 100 } }),
      route("search", { matches: [match({ path: { kind: "prefix", value: "/orders" }, query: [{ name: "q", match: { kind: "prefix", value: "id:" } }, { name: "page", match: { kind: "exact", value: "1" } }] })], timeoutMs: 105,
        responseHeaders: { set: { "cache-control": "no-store" }, add: {}, remove: [] } }),
      route("chaos", { matches: [match({ headers: [{ name: "x-chaos", match: { kind: "exact", value: "on" } }], query: [{ name: "debug", match: { kind: "present", value: "" } }] })], timeoutMs: 106,
        fault: { delay: { fixedMs: 1500, percent: 12.5 }, abort: { status: 503, percent: 1 } } }),
      route("sampled", { matches: [match({ path: { kind: "prefix", value: "/orders" } })], timeoutMs: 107,
        destinations: [{ version: "v1", weight: 33.333 }, { version: "v2", weight: 33.333 }, { version: "v3", weight: 33.334 }],
        mirror: { service: "audit/shadow", percent: 10 } }),
      route("fallback", { destinations: [{ version: "v1", weight: 90 }, { version: "v2", weight: 10 }], timeoutMs: 108,
        retries: { attempts: 3, retryOn: ["reset", "connect-failure"], retryOnStatus: [503], backoff: { baseMs: 10, maxMs: 80 }, retryNonIdempotent: false } }),
    ],
  });
  return meshIR(TRUST_DOMAIN, [shop, shadow]);
}

/** Authorization in all its shapes, on strict and permissive services. */
export function authzCase(): MeshIR {
  const caller = (id: string) => svc(id);
  return meshIR(TRUST_DOMAIN, [
    caller("shop/web"), caller("shop/batch"), caller("ops/admin"),
    svc("shop/ledger", { authorization: { allow: [rule({ from: ["shop/web"], methods: ["GET"] }), rule({ from: ["ops/admin"] })], deny: [rule({ from: ["shop/batch"] })] } }),
    svc("shop/catalog", { mtls: "permissive", authorization: { allow: [rule({ methods: ["GET", "HEAD"], paths: ["/items/*", "/search"] }), rule({ from: ["shop/web"] })], deny: [rule({ methods: ["DELETE"] })] } }),
    svc("shop/quotes", { authorization: { allow: [], deny: [rule({ from: ["shop/batch"] })] } }),
    svc("shop/files", { authorization: { allow: [rule({ from: ["shop/web", "ops/admin"], paths: ["/files/*"] })], deny: [rule({ paths: ["/files/secret*"] })] } }),
    svc("ops/open", { mtls: "permissive" }),
  ]);
}

/** Service-level features: breakers, balancing, a rollout, and more routes than one HTTPRoute holds. */
export function resilienceCase(): MeshIR {
  const many = Array.from({ length: 18 }, (_, i) => route(`r${i}`, { matches: [match({ path: { kind: "exact", value: `/p/${i}` } })], timeoutMs: 200 + i }));
  return meshIR(TRUST_DOMAIN, [
    svc("core/payments", {
      versions: versions("v1", "v2"),
      loadBalancer: "least-request",
      connectionLimits: { maxConnections: 100, maxPendingRequests: 10, maxRequests: 50 },
      outlierDetection: { consecutive5xx: 5, intervalMs: 10_000, baseEjectionTimeMs: 30_000, maxEjectionPercent: 50 },
      routes: [route("all", { destinations: [{ version: "v1", weight: 95 }, { version: "v2", weight: 5 }] })],
      rollout: { to: "v2", from: "v1", steps: [5, 50, 100], intervalMs: 30_000, gates: { minRequests: 20 }, failureThreshold: 0, source: { file: "case.policy.ts", line: 999, column: 5 } },
    }),
    svc("core/wide", { routes: [...many, route("rest")] }),
  ]);
}

export const cases: Record<string, () => MeshIR> = {
  minimal: minimalCase,
  routing: routingCase,
  authz: authzCase,
  resilience: resilienceCase,
};
