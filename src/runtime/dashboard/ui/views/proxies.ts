// Proxies: every sidecar with its config version and SYNCED / STALE / NACKED (with the proxy's reason),
// like `typemesh status`; certificate expiry once the control plane reports it (mTLS).
import type { ProxyStatus, SyncState } from "../../../control-plane/proxy-sessions.ts";
import { h, type Child } from "../dom.ts";
import { ago, until } from "../format.ts";
import { certExpiryOf, certsReported } from "../proxy-extras.ts";
import type { AppState } from "../state.ts";

const ORDER: Record<SyncState, number> = { NACKED: 0, STALE: 1, SYNCED: 2 };
const DAY_MS = 86_400_000;

export function stateBadge(state: SyncState): Child {
  const kind = state === "SYNCED" ? "ok" : state === "STALE" ? "warn" : "bad";
  return h("span", { class: `badge badge--${kind} state`, "data-state": state }, state);
}

function certCell(proxy: ProxyStatus, now: number): Child {
  const expiry = certExpiryOf(proxy);
  if (!expiry) return h("span", { class: "muted" }, "–");
  const left = Date.parse(expiry) - now;
  const kind = left <= 0 ? "bad" : left < DAY_MS / 4 ? "warn" : "ok";
  const spiffeId = (proxy as { spiffeId?: string }).spiffeId;
  return h("span", { class: `badge badge--${kind}`, title: `${spiffeId ? `${spiffeId}, ` : ""}valid until ${expiry}` }, until(expiry, now));
}

export function proxiesView(state: AppState, now: number): Child[] {
  const proxies = [...state.live!.proxies].sort((a, b) => ORDER[a.state] - ORDER[b.state] || a.service.localeCompare(b.service) || a.id.localeCompare(b.id));
  const count = (s: SyncState) => proxies.filter((p) => p.state === s).length;
  const certs = certsReported(proxies);
  const bundle = state.live!.bundle?.version;
  return [
    h("header", { class: "view-head" },
      h("h1", {}, "Proxies"),
      h("p", { class: "sub" }, "SYNCED: acknowledged the config it should have. STALE: not yet. NACKED: rejected it and keeps serving its last good config; the control plane does not resend until the config changes.")),
    h("ul", { class: "tiles", "aria-label": "Proxy counts" },
      h("li", { class: "tile" }, h("span", { class: "tile-figure" }, String(proxies.length)), "proxies"),
      h("li", { class: "tile tile--ok" }, h("span", { class: "tile-figure" }, String(count("SYNCED"))), "SYNCED"),
      h("li", { class: `tile ${count("STALE") ? "tile--warn" : ""}` }, h("span", { class: "tile-figure" }, String(count("STALE"))), "STALE"),
      h("li", { class: `tile ${count("NACKED") ? "tile--bad" : ""}` }, h("span", { class: "tile-figure" }, String(count("NACKED"))), "NACKED")),
    proxies.length === 0 ? h("p", { class: "empty" }, "No proxy is connected to this control plane.") :
      h("table", { class: "data proxies" },
        h("caption", {}, bundle ? `Bundle in force: ${bundle}` : "No bundle in force"),
        h("thead", {}, h("tr", {}, ["Proxy", "Service", "Version", "Address", "State", "Config", "Bundle acknowledged", "Connected", ...(certs ? ["Certificate"] : []), "Reason"].map((c) => h("th", { scope: "col" }, c)))),
        h("tbody", {}, proxies.map((p) => h("tr", { "data-proxy": p.id, "data-state": p.state, class: `row--${p.state.toLowerCase()}` },
          h("th", { scope: "row", class: "mono" }, p.id),
          h("td", {}, p.service),
          h("td", {}, p.version),
          h("td", { class: "mono" }, p.address),
          h("td", {}, stateBadge(p.state)),
          h("td", { class: "mono" }, p.configVersion ?? "–", p.desiredVersion && p.desiredVersion !== p.configVersion ? h("div", { class: "note" }, `wants ${p.desiredVersion}`) : null),
          h("td", { class: "mono" }, p.bundleVersion ?? "–", p.bundleVersion && bundle && p.bundleVersion !== bundle ? h("div", { class: "note" }, "not the one in force") : null),
          h("td", { title: p.connectedAt }, ago(p.connectedAt, now)),
          certs ? h("td", {}, certCell(p, now)) : null,
          h("td", { class: "reason" }, p.error ? h("span", { class: "error-text" }, p.error) : h("span", { class: "muted" }, "–")))))),
  ];
}
