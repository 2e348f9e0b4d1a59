// Route semantics across targets: for a bank of requests built from each service's own matches, the
// emitted manifests — read by an independent model of each target's matching — send every request
// where typemesh does: same versions, same weights, same timeout, retried only when typemesh retries.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { emitTarget } from "../../src/compiler/emit/targets/index.ts";
import type { MeshIR, RouteIR, ServiceIR } from "../../src/compiler/ir/schema.ts";
import { selectRoute, type RequestFacts } from "../../src/compiler/simulate/match-request.ts";
import { routingCase } from "./support/cases.ts";
import { parseGatewayDuration, pickRule, type GammaModel, type HttpRouteObject } from "./support/gamma-oracle.ts";
import { pickHttpRoute } from "./support/istio-oracle.ts";
import { demoIR, manifests, ofKind } from "./support/manifests.ts";
import { describe as show, requestBank } from "./support/requests.ts";

interface Action { backends: string[]; timeoutMs?: number; retries: number }

const RISKY = ["POST", "PATCH"];

/** What typemesh does with a request: which route, and so which backends, timeout and retries. */
function expected(service: ServiceIR, r: RequestFacts, retriesExpressible: (route: RouteIR) => boolean): Action | undefined {
  const route = selectRoute(service.routes, r)?.route;
  if (!route) return undefined;
  const scale = route.destinations.every((d) => Number.isInteger(d.weight)) ? 1 : 1000;
  const retried = route.retries && route.retries.attempts > 0 && (route.retries.retryNonIdempotent || !RISKY.includes(r.method)) && retriesExpressible(route);
  return {
    backends: route.destinations.map((d) => `${d.version}=${Math.round(d.weight * scale)}`),
    ...(route.timeoutMs !== undefined && { timeoutMs: route.timeoutMs }),
    retries: retried ? route.retries!.attempts : 0,
  };
}

const istioSeconds = (text: string) => Math.round(Number(text.replace(/s$/, "")) * 1000);

function istioAction(entry: any): Action {
  return {
    backends: entry.route.map((d: any) => `${d.destination.subset}=${d.weight}`),
    ...(entry.timeout && { timeoutMs: istioSeconds(entry.timeout) }),
    retries: entry.retries.attempts,
  };
}

function gammaAction(service: ServiceIR, route: HttpRouteObject, rule: HttpRouteObject["spec"]["rules"][number], target: "gateway-api" | "linkerd"): Action {
  const timeout = target === "linkerd" ? route.metadata.annotations?.["timeout.linkerd.io/request"] : rule.timeouts?.request;
  const limit = route.metadata.annotations?.["retry.linkerd.io/limit"];
  return {
    backends: (rule.backendRefs ?? []).map((b: any) => `${b.name.slice(service.name.length + 1)}=${b.weight}`),
    ...(timeout && { timeoutMs: parseGatewayDuration(timeout) }),
    retries: limit ? Number(limit) : 0,
  };
}

const linkerdRetries = (route: RouteIR) => Boolean(route.retries && (route.retries.retryOn.some((c) => c === "5xx" || c === "gateway-error") || route.retries.retryOnStatus.length > 0));

async function check(ir: MeshIR, target: "istio" | "gateway-api" | "linkerd", models: (GammaModel | "istio")[]): Promise<number> {
  const { files, diagnostics } = emitTarget(target, ir);
  const objects = manifests(files);
  let checked = 0;
  for (const service of ir.services.filter((s) => s.routes.length > 0)) {
    // A service whose order the target itself says it may not keep is not held to it here.
    if (diagnostics.some((d) => d.code === "TM3005" && d.message.includes(` of ${service.id} `))) continue;
    for (const r of requestBank(service)) {
      const want = expected(service, r, target === "linkerd" ? linkerdRetries : target === "istio" ? () => true : () => false);
      for (const model of models) {
        let got: Action | undefined;
        if (model === "istio") {
          const vs = ofKind(objects, "VirtualService", service.namespace).find((v) => v.metadata.name === service.name);
          const entry = pickHttpRoute(vs, r);
          got = entry && istioAction(entry);
        } else {
          const routes = ofKind(objects, "HTTPRoute", service.namespace).filter((o) => o.spec.parentRefs.some((p: any) => p.kind === "Service" && p.name === service.name));
          const picked = pickRule(routes, r, model);
          assert.notEqual(picked, "ambiguous", `${target} ${model}: ${service.id} ${show(r)} ties between resources`);
          got = picked && picked !== "ambiguous" ? gammaAction(service, picked.route, picked.rule, target as "gateway-api" | "linkerd") : undefined;
        }
        if (target === "gateway-api" && want) want.retries = 0;
        assert.deepEqual(got, want, `${target} (${model}) ${service.id}: ${show(r)}`);
        checked += 1;
      }
    }
  }
  return checked;
}

for (const [name, make] of [["routing case", async () => routingCase()], ["demo", demoIR]] as const) {
  describe(`route semantics: ${name}`, () => {
    test("istio sends every request where typemesh does", async () => {
      assert.ok(await check(await make(), "istio", ["istio"]) > 100);
    });
    test("gateway-api sends every request where typemesh does, however regex paths rank", async () => {
      assert.ok(await check(await make(), "gateway-api", ["gateway-regex-high", "gateway-regex-low"]) > 100);
    });
    test("linkerd sends every request where typemesh does, by linkerd2-proxy's ranking", async () => {
      assert.ok(await check(await make(), "linkerd", ["linkerd"]) > 100);
    });
  });
}
