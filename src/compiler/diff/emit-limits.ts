// What each Kubernetes emit target cannot express (REFERENCE.md): a feature the Istio output keeps but
// Gateway API or Linkerd output would lose. The emitters are to report the same as TM3xxx diagnostics;
// until they exist this table is the one place that knows, and plan shows it so nothing is lost silently.
import type { MeshIR, RouteIR, ServiceIR } from "../ir/schema.ts";
import type { Risk } from "./report.ts";

export type EmitTarget = "gateway-api" | "linkerd";

interface Limit { target: EmitTarget; feature: string; why: string }

const ROUTE_LIMITS: { has: (r: RouteIR) => boolean; limits: Limit[] }[] = [
  { has: (r) => Boolean(r.fault), limits: [
    { target: "gateway-api", feature: "fault injection", why: "HTTPRoute has no fault filter" },
    { target: "linkerd", feature: "fault injection", why: "Linkerd has no fault injection" },
  ] },
  { has: (r) => Boolean(r.mirror), limits: [{ target: "linkerd", feature: "mirroring", why: "Linkerd has no request mirroring" }] },
  { has: (r) => Boolean(r.retries && r.retries.attempts > 0), limits: [{ target: "gateway-api", feature: "retries", why: "HTTPRoute retries are experimental" }] },
];

const SERVICE_LIMITS: { has: (s: ServiceIR) => boolean; limits: Limit[] }[] = [
  { has: (s) => Boolean(s.connectionLimits), limits: [
    { target: "gateway-api", feature: "connection limits", why: "Gateway API has no circuit breaking" },
    { target: "linkerd", feature: "connection limits", why: "Linkerd has no connection-pool limits" },
  ] },
  { has: (s) => Boolean(s.outlierDetection), limits: [{ target: "gateway-api", feature: "outlier detection", why: "Gateway API has no outlier detection" }] },
];

export function emitLimits(ir: MeshIR): Risk[] {
  const risks: Risk[] = [];
  for (const service of ir.services) {
    for (const { has, limits } of SERVICE_LIMITS) {
      if (!has(service)) continue;
      for (const l of limits) risks.push({ code: "emit-unsupported", service: service.id, message: `${l.target} cannot express ${l.feature} of ${service.id}: ${l.why}`, location: service.source });
    }
    for (const route of service.routes) {
      for (const { has, limits } of ROUTE_LIMITS) {
        if (!has(route)) continue;
        for (const l of limits) risks.push({ code: "emit-unsupported", service: service.id, route: route.name, message: `${l.target} cannot express ${l.feature} of ${service.id} route ${route.name}: ${l.why}`, location: route.source });
      }
    }
  }
  return risks;
}
