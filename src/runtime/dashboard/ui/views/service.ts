// One service: golden signals per version, its routes in match order (with the weights a rollout holds
// in force), timeouts, retries, faults and mirrors, the circuit breaker, who may call it, its proxies.
import type { MeshIR, RouteIR, ServiceIR } from "../../../../compiler/ir/schema.ts";
import type { ProxyStatus } from "../../../control-plane/proxy-sessions.ts";
import { applyRollouts } from "../../../control-plane/rollouts/overrides.ts";
import type { Rollout } from "../../../control-plane/rollouts/rollout.ts";
import type { EdgeTraffic } from "../../../control-plane/traffic-store.ts";
import { callersOf, PLAINTEXT, serviceOfProxy } from "../authz.ts";
import { describeRetries } from "../../../../compiler/diff/describe.ts";
import { describeBreaker, describeExtras, describeLimits, describeMatches } from "../describe.ts";
import { h, type Child } from "../dom.ts";
import { formatDuration, millis, rate, share } from "../format.ts";
import { ejectedOf } from "../proxy-extras.ts";
import { serviceHash, type AppState } from "../state.ts";
import { healthOf } from "../topology-model.ts";
import { stateBadge } from "./proxies.ts";

function splitBar(route: RouteIR, declared?: RouteIR): Child {
  const changed = declared && JSON.stringify(declared.destinations) !== JSON.stringify(route.destinations);
  return h("div", { class: "split" },
    h("div", { class: "split-bar", "aria-hidden": "true" }, route.destinations.map((d, i) => {
      const part = h("span", { class: `split-part split-part--${i % 4}` });
      part.style.width = `${d.weight}%`;
      return part;
    })),
    h("span", { class: "split-text" }, route.destinations.map((d) => `${d.version} ${d.weight}%`).join(" · ")),
    changed ? h("span", { class: "note" }, ` rollout override; declared ${declared!.destinations.map((d) => `${d.version} ${d.weight}%`).join(" · ")}`) : null);
}

function signals(service: ServiceIR, served: readonly EdgeTraffic[], proxies: readonly ProxyStatus[], ir: MeshIR): Child {
  const rows = service.versions.map((v) => {
    const figures = served.find((e) => e.destination === service.id && e.version === v.name);
    const own = proxies.filter((p) => serviceOfProxy(ir, p.service) === service.id && p.version === v.name);
    const failed = figures ? Object.entries(figures.byCode).filter(([c]) => Number(c) >= 500 || Number(c) === 0).reduce((a, [, n]) => a + n, 0) : 0;
    return h("tr", { "data-version": v.name },
      h("th", { scope: "row" }, v.name, Object.keys(v.labels).length ? h("span", { class: "note" }, ` ${Object.entries(v.labels).map(([k, x]) => `${k}=${x}`).join(" ")}`) : null),
      h("td", {}, own.length === 0 ? h("span", { class: "muted" }, "none") : own.map((p) => stateBadge(p.state))),
      h("td", { class: "num" }, rate(figures?.rps ?? 0)),
      h("td", { class: "num" }, h("span", { class: `health health--${healthOf(figures?.successRate, figures?.requests ?? 0)}` }, share(figures?.successRate))),
      h("td", { class: "num" }, millis(figures?.p50Ms)),
      h("td", { class: "num" }, millis(figures?.p95Ms)),
      h("td", { class: "num" }, millis(figures?.p99Ms)),
      h("td", { class: "num" }, figures ? String(failed) : "–"));
  });
  return h("table", { class: "data signals" },
    h("caption", {}, "Golden signals per version over the last 30 s, as the version's own proxies served them"),
    h("thead", {}, h("tr", {}, ["Version", "Proxies", "Rate", "Success", "p50", "p95", "p99", "Errors"].map((c) => h("th", { scope: "col" }, c)))),
    h("tbody", {}, rows));
}

function routes(service: ServiceIR, declared: ServiceIR): Child {
  if (service.routes.length === 0) {
    return h("p", { class: "empty" }, `No routes declared: requests are balanced over every version (${service.versions.map((v) => v.name).join(", ")}), no timeout, no retries.`);
  }
  return h("table", { class: "data routes" },
    h("caption", {}, "Routes in match order: the first that matches wins"),
    h("thead", {}, h("tr", {}, ["#", "Route", "Matches", "Split", "Timeout", "Retries", "Also", "Declared at"].map((c) => h("th", { scope: "col" }, c)))),
    h("tbody", {}, service.routes.map((route, i) => {
      const also = describeExtras(route);
      return h("tr", { "data-route": route.name },
        h("td", { class: "num" }, String(i + 1)),
        h("th", { scope: "row" }, route.name),
        h("td", {}, describeMatches(route).map((m) => h("div", { class: "mono" }, m))),
        h("td", {}, splitBar(route, declared.routes.find((r) => r.name === route.name))),
        h("td", { class: "num" }, route.timeoutMs === undefined ? "none" : formatDuration(route.timeoutMs)),
        h("td", {}, describeRetries(route.retries)),
        h("td", {}, also.length ? also.map((a) => h("div", {}, a)) : h("span", { class: "muted" }, "–")),
        h("td", { class: "mono muted" }, `${route.source.file}:${route.source.line}`));
    })));
}

function resilience(service: ServiceIR, state: AppState): Child {
  const proxies = state.live!.proxies;
  const ejected = proxies.flatMap((p) => (ejectedOf(p) ?? []).filter((e) => e.service === service.id));
  const reported = proxies.some((p) => ejectedOf(p) !== undefined);
  return h("dl", { class: "facts" },
    h("dt", {}, "Circuit breaker"), h("dd", {}, describeBreaker(service) ?? "none declared"),
    h("dt", {}, "Ejected endpoints"), h("dd", {}, !service.outlierDetection ? "–" : !reported ? h("span", { class: "muted" }, "not reported by this control plane's proxies yet") : ejected.length === 0 ? "none" : ejected.map((e) => h("div", { class: "mono" }, e.endpoint))),
    h("dt", {}, "Connection limits"), h("dd", {}, describeLimits(service) ?? "none declared"),
    h("dt", {}, "Load balancer"), h("dd", {}, service.loadBalancer));
}

function callers(service: ServiceIR, state: AppState): Child {
  const ir = state.bundle!.ir;
  const access = callersOf(ir, service).filter((a) => a.caller !== PLAINTEXT || service.mtls === "permissive");
  const rules = [
    ...service.authorization.deny.map((r) => ({ action: "DENY", r })),
    ...service.authorization.allow.map((r) => ({ action: "ALLOW", r })),
  ];
  return [
    h("p", {}, rules.length === 0 ? "No authorization rules: any caller in the mesh may call it." : `${rules.length} rule${rules.length === 1 ? "" : "s"}; DENY rules win, and once there is an ALLOW rule anything it does not name is refused (403).`),
    rules.length ? h("ul", { class: "rules" }, rules.map(({ action, r }) => h("li", {},
      h("span", { class: `badge badge--${action === "DENY" ? "bad" : "ok"}` }, action), " ",
      r.from ? r.from.join(", ") : "any caller", r.methods ? ` · ${r.methods.join("|")}` : "", r.paths ? ` · ${r.paths.join(" ")}` : "",
      h("span", { class: "muted mono" }, `  ${r.source.file}:${r.source.line}`)))) : null,
    h("table", { class: "data callers" },
      h("caption", {}, "Who may call it"),
      h("thead", {}, h("tr", {}, ["Caller", "Access", "What"].map((c) => h("th", { scope: "col" }, c)))),
      h("tbody", {}, access.map((a) => h("tr", { "data-caller": a.caller },
        h("th", { scope: "row" }, a.caller === PLAINTEXT ? "plaintext client (no mesh identity)" : h("a", { href: serviceHash(a.caller) }, a.caller)),
        h("td", {}, h("span", { class: `badge badge--${a.level === "all" ? "ok" : a.level === "some" ? "warn" : "bad"}` }, a.level === "all" ? "allowed" : a.level === "some" ? "partly" : "denied")),
        h("td", {}, a.detail))))),
  ];
}

function rolloutNote(rollout: Rollout | undefined): Child {
  if (!rollout || !["progressing", "paused"].includes(rollout.phase)) return null;
  return h("p", { class: "banner banner--info", role: "status" },
    `Rollout ${rollout.phase}: ${rollout.from} → ${rollout.to} at ${rollout.weight}% (step ${rollout.stepIndex + 1} of ${rollout.steps.length}). `,
    h("a", { href: "#/rollouts" }, "See the rollout"));
}

export function serviceView(state: AppState, id: string): Child[] {
  const ir = state.bundle?.ir;
  const declared = ir?.services.find((s) => s.id === id);
  const back = h("nav", { class: "crumbs", "aria-label": "Breadcrumb" }, h("a", { href: "#/topology" }, "Topology"), " / ", id);
  if (!ir || !declared) {
    return [back, h("h1", {}, id), h("p", { class: "empty" }, ir ? `${id} is not declared in bundle ${state.bundle!.version}: it was seen in traffic only.` : "Loading the bundle in force…")];
  }
  // The newest rollout of the service decides its weights while it pins them (controller.inForce()).
  const rollouts = (state.live?.rollouts ?? []).filter((r) => r.service === id).sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  const pinned = rollouts[0]?.pinned ? [rollouts[0]] : [];
  const service = applyRollouts({ ...ir, services: [declared] }, pinned).services[0]!;
  const picker = h("select", {
    "aria-label": "Show another service",
    onchange: (event: Event) => { location.hash = serviceHash((event.target as HTMLSelectElement).value); },
  }, ir.services.map((s) => h("option", { value: s.id, selected: s.id === id }, s.id)));
  return [
    back,
    h("header", { class: "view-head" },
      h("h1", {}, service.id),
      h("p", { class: "sub" },
        h("span", { class: `badge badge--${service.mtls === "strict" ? "ok" : "warn"}` }, `mTLS ${service.mtls}`), " ",
        `port ${service.port} · ${service.identity}`),
      h("label", { class: "picker" }, "Service ", picker)),
    rolloutNote(rollouts[0]),
    h("section", { "aria-labelledby": "h-signals" }, h("h2", { id: "h-signals" }, "Versions"), signals(service, state.live!.traffic.served, state.live!.proxies, ir)),
    h("section", { "aria-labelledby": "h-routes" }, h("h2", { id: "h-routes" }, "Routes"), routes(service, declared)),
    h("div", { class: "columns" },
      h("section", { "aria-labelledby": "h-resilience" }, h("h2", { id: "h-resilience" }, "Resilience"), resilience(service, state)),
      h("section", { "aria-labelledby": "h-callers" }, h("h2", { id: "h-callers" }, "Who may call it"), callers(service, state))),
  ];
}
