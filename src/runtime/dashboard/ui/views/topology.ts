// Topology: the services as a graph, edges from live traffic with rate, success and p99; denied edges
// red and dotted, edges into permissive services dashed, into strict-mTLS services solid with a lock.
// The same edges follow as a table, which is also what keyboard and screen-reader users read.
import { h, svg, type Child } from "../dom.ts";
import { millis, rate, share } from "../format.ts";
import { labelPoint, layout, NODE, pathThrough } from "../layout.ts";
import { serviceHash, type AppState } from "../state.ts";
import { buildTopology, type Topology, type TopologyEdge, type TopologyNode } from "../topology-model.ts";

function lock(x: number, y: number): SVGElement {
  return svg("g", { class: "lock", transform: `translate(${x},${y})`, "aria-hidden": "true" },
    svg("rect", { x: 0, y: 4, width: 8, height: 6, rx: 1 }),
    svg("path", { d: "M1.6 4.5V3a2.4 2.4 0 0 1 4.8 0v1.5", fill: "none" }));
}

function edgeClass(e: TopologyEdge): string {
  const transport = e.security === "strict" ? "mtls" : e.security === "permissive" ? "permissive" : "unknown";
  return `edge edge--${e.policy === "denied" ? "denied" : e.health} edge--${transport}`;
}

export function edgeLabel(e: TopologyEdge): string[] {
  if (e.policy === "denied") return e.live ? [`denied · ${rate(e.rps)}`, e.deniedBy ?? "by policy"] : ["denied", e.deniedBy ?? "by policy"];
  if (!e.live || e.requests === 0) return ["idle"];
  return [rate(e.rps), `${share(e.successRate)} · p99 ${millis(e.p99Ms)}`];
}

function edgeDescription(e: TopologyEdge): string {
  const transport = e.security === "strict" ? "mTLS (strict)" : e.security === "permissive" ? "permissive: plaintext accepted" : "destination not in the bundle";
  const versions = e.versions.map((v) => `${v.version}: ${rate(v.rps)}, ${share(v.successRate)}, p99 ${millis(v.p99Ms)}`).join("\n");
  return `${e.source} → ${e.destination}\n${edgeLabel(e).join(" · ")}\n${transport}${e.denied ? `\n${e.denied} requests refused (403)` : ""}${versions ? `\n${versions}` : ""}`;
}

function node(n: TopologyNode, x: number, y: number, open: (id: string) => void): SVGElement {
  const versions = n.versions.length > 0 ? n.versions.join(" ") : "not in the bundle";
  const proxies = n.proxies.total === 0 ? "no proxies" : n.proxies.nacked > 0 ? `${n.proxies.nacked} NACKED` : n.proxies.stale > 0 ? `${n.proxies.stale} STALE` : `${n.proxies.total} synced`;
  const traffic = n.inRps > 0 ? `${rate(n.inRps)} in · ${share(n.inSuccess)}` : "no inbound traffic";
  const label = `${n.id}: ${traffic}; ${n.mtls ? `mTLS ${n.mtls}` : "not declared"}; versions ${versions}; ${proxies}. Open the service.`;
  const g = svg("g", {
    class: `node node--${n.health}${n.declared ? "" : " node--undeclared"}`, transform: `translate(${x},${y})`,
    tabindex: 0, role: "link", "aria-label": label, "data-key": `node:${n.id}`, "data-node": n.id,
    onclick: () => open(n.id),
    onkeydown: (event: Event) => {
      const key = (event as KeyboardEvent).key;
      if (key === "Enter" || key === " ") { event.preventDefault(); open(n.id); }
    },
  },
  svg("title", {}, label),
  svg("rect", { class: "node-box", width: NODE.width, height: NODE.height, rx: 10 }),
  svg("rect", { class: "node-health", width: 6, height: NODE.height, rx: 3 }),
  svg("text", { class: "node-name", x: 18, y: 24 }, n.name),
  svg("text", { class: "node-sub", x: 18, y: 43 }, `${n.namespace ? `${n.namespace} · ` : ""}${versions}`),
  svg("text", { class: "node-traffic", x: 18, y: 62 }, traffic),
  n.mtls === "strict" ? [lock(NODE.width - 22, 12)] : [],
  n.mtls === "permissive" ? svg("text", { class: "node-badge", x: NODE.width - 10, y: 22, "text-anchor": "end" }, "permissive") : [],
  n.proxies.nacked > 0 ? svg("text", { class: "node-alert", x: NODE.width - 10, y: 62, "text-anchor": "end" }, "NACK") : []);
  return g;
}

function graph(topology: Topology, open: (id: string) => void): Child {
  if (topology.nodes.length === 0) return h("p", { class: "empty" }, "No services yet: the control plane has no bundle and no traffic.");
  const placed = layout({ nodes: topology.nodes.map((n) => n.id), edges: topology.edges });
  const width = Math.max(placed.width, 640);
  const edges = topology.edges.map((e) => {
    const points = placed.edges.get(e.key)!;
    const d = pathThrough(points);
    const at = labelPoint(points);
    const lines = edgeLabel(e);
    const labelWidth = Math.max(...lines.map((l) => l.length)) * 6.3 + 14 + (e.security === "strict" && e.policy !== "denied" ? 12 : 0);
    const strokeWidth = e.policy === "denied" ? 2 : 1.5 + Math.min(4, Math.log2(1 + e.rps));
    return svg("g", { class: edgeClass(e), "data-edge": e.key, "data-rps": e.rps.toFixed(2) },
      svg("title", {}, edgeDescription(e)),
      svg("path", { class: "edge-line", d, "marker-end": `url(#arrow-${e.policy === "denied" ? "denied" : e.health})`, "stroke-width": strokeWidth.toFixed(1) }),
      svg("g", { class: "edge-label", transform: `translate(${at.x - labelWidth / 2},${at.y - 16})` },
        svg("rect", { width: labelWidth, height: lines.length * 14 + 6, rx: 6 }),
        e.security === "strict" && e.policy !== "denied" ? lock(7, 4) : [],
        lines.map((line, i) => svg("text", { x: e.security === "strict" && e.policy !== "denied" ? 20 : 7, y: 14 + i * 14, class: i === 0 ? "edge-rate" : "" }, line))));
  });
  const markers = ["ok", "degraded", "failing", "idle", "denied"].map((kind) =>
    svg("marker", { id: `arrow-${kind}`, viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 11, markerHeight: 11, markerUnits: "userSpaceOnUse", orient: "auto-start-reverse", class: `arrow arrow--${kind}` },
      svg("path", { d: "M0,0 L10,5 L0,10 z" })));
  return h("figure", { class: "graph" },
    svg("svg", { viewBox: `0 0 ${width} ${placed.height}`, width, height: placed.height, role: "group", "aria-label": "Service graph: press Tab to move between services, Enter to open one" },
      svg("defs", {}, markers),
      svg("g", { class: "edges" }, edges),
      svg("g", { class: "nodes" }, topology.nodes.map((n) => {
        const p = placed.nodes.get(n.id)!;
        return node(n, p.x, p.y, open);
      }))));
}

function legend(): Child {
  const sample = (cls: string, text: string) => h("li", {},
    svg("svg", { width: 34, height: 10, "aria-hidden": "true" }, svg("g", { class: cls }, svg("path", { class: "edge-line", d: "M2,5 L32,5", "stroke-width": 2.5 }))), text);
  return h("ul", { class: "legend", "aria-label": "Legend" },
    sample("edge--ok edge--mtls", "mTLS (strict)"),
    sample("edge--ok edge--permissive", "permissive: plaintext accepted"),
    sample("edge--idle edge--mtls", "allowed, no traffic"),
    sample("edge--denied", "denied by policy"),
    h("li", {}, h("span", { class: "swatch swatch--ok" }), "≥ 99% success"),
    h("li", {}, h("span", { class: "swatch swatch--degraded" }), "≥ 95%"),
    h("li", {}, h("span", { class: "swatch swatch--failing" }), "< 95%"));
}

function edgeTable(topology: Topology, windowSeconds: number): Child {
  if (topology.edges.length === 0) return h("p", { class: "empty" }, "No traffic in the last 30 s.");
  return h("table", { class: "data edges-table" },
    h("caption", {}, `Calls over the last ${windowSeconds} s, as the callers' proxies saw them`),
    h("thead", {}, h("tr", {}, ["From", "To", "Rate", "Success", "p99", "Transport", "Policy"].map((c) => h("th", { scope: "col" }, c)))),
    h("tbody", {}, topology.edges.map((e) => h("tr", { "data-edge": e.key, class: `row--${e.policy === "denied" ? "denied" : e.health}` },
      h("td", {}, h("a", { href: serviceHash(e.source), "data-key": `edge-from:${e.key}` }, e.source)),
      h("td", {}, h("a", { href: serviceHash(e.destination), "data-key": `edge-to:${e.key}` }, e.destination)),
      h("td", { class: "num" }, e.live ? rate(e.rps) : "–"),
      h("td", { class: "num" }, h("span", { class: `health health--${e.health}` }, share(e.successRate))),
      h("td", { class: "num" }, millis(e.p99Ms)),
      h("td", {}, e.security === "strict" ? "mTLS" : e.security === "permissive" ? "permissive" : "–"),
      h("td", {}, e.policy === "denied" ? h("span", { class: "badge badge--bad" }, `denied: ${e.deniedBy}`) : e.denied > 0 ? `${e.denied} refused (403)` : "allowed")))));
}

export function topologyView(state: AppState, open: (id: string) => void): Child[] {
  const live = state.live!;
  const topology = buildTopology(state.bundle?.ir, live.traffic.edges, live.proxies);
  return [
    h("header", { class: "view-head" },
      h("h1", {}, "Topology"),
      h("p", { class: "sub" }, "Services and the calls between them over the last 30 s. Select a service for its routes, versions and callers.")),
    legend(),
    graph(topology, open),
    h("h2", {}, "Edges"),
    edgeTable(topology, live.traffic.windowSeconds),
  ];
}
