// The frame around every view: the top bar (views, live-feed state, bundle in force, proxy sync count)
// and the banner that says when the control plane cannot be reached. Each part is replaced only when its
// text changes: an element swapped under a pressed mouse button would lose the click, and a live region
// re-inserted every second would be read out every second.
import { h, swap } from "./dom.ts";
import { clock } from "./format.ts";
import { VIEWS, type AppState } from "./state.ts";

export class Chrome {
  readonly header: HTMLElement;
  readonly banner = h("div", { class: "banner-slot" });
  private readonly tabs = h("nav", { class: "tabs", "aria-label": "Views" });
  private readonly status = h("div", { class: "status", "aria-live": "off" });
  private tabsKey = "";
  private statusKey = "";
  private bannerKey = "";

  constructor(private readonly actions: { signOut(): void; retryNow(): void }) {
    this.header = h("header", { class: "topbar" },
      h("a", { class: "brand", href: "#/topology", "aria-label": "typemesh dashboard: topology" }, h("span", { class: "brand-mark", "aria-hidden": "true" }), "typemesh"),
      this.tabs, this.status,
      h("button", { class: "button button--quiet", type: "button", onclick: () => actions.signOut() }, "Sign out"));
  }

  update(state: AppState, now: number): void {
    const route = state.route.view === "service" ? "topology" : state.route.view;
    if (this.tabsKey !== route) {
      this.tabsKey = route;
      swap(this.tabs, [h("ul", {}, VIEWS.map((v, i) => h("li", {}, h("a", {
        href: v.hash, "data-key": `tab:${v.view}`, "aria-current": route === v.view ? "page" : undefined, "aria-keyshortcuts": String(i + 1),
      }, v.label, h("kbd", { "aria-hidden": "true" }, String(i + 1))))))]);
    }
    this.updateStatus(state, now);
    this.updateBanner(state, now);
  }

  private updateStatus(state: AppState, now: number): void {
    const live = state.live;
    const feedText = state.feed.kind === "live" ? "live" : state.feed.kind === "connecting" ? "connecting…" : "unreachable";
    const age = state.receivedAt ? Math.round((now - state.receivedAt) / 1000) : undefined;
    // The feed sends every 2 s: under 4 s old is "now", and the bar stays still.
    const updated = age === undefined || age < 4 ? "now" : `${age} s ago`;
    const proxies = live?.proxies ?? [];
    const synced = proxies.filter((p) => p.state === "SYNCED").length;
    const nacked = proxies.filter((p) => p.state === "NACKED").length;
    const key = `${feedText}|${updated}|${live?.bundle?.version}|${synced}/${proxies.length}/${nacked}`;
    if (key === this.statusKey) return;
    this.statusKey = key;
    swap(this.status, [
      h("span", { class: `feed feed--${state.feed.kind}` }, h("span", { class: "dot", "aria-hidden": "true" }), feedText,
        age !== undefined && state.feed.kind === "live" ? h("span", { class: "muted" }, ` · updated ${updated}`) : null),
      live ? h("span", {}, "bundle ", h("code", {}, live.bundle?.version ?? "none")) : null,
      live ? h("a", { href: "#/proxies", class: nacked ? "alert-link" : "" }, `${synced}/${proxies.length} proxies synced${nacked ? ` · ${nacked} NACKED` : ""}`) : null,
    ]);
  }

  private updateBanner(state: AppState, now: number): void {
    const feed = state.feed;
    if (feed.kind !== "unreachable") {
      if (this.bannerKey) {
        this.bannerKey = "";
        swap(this.banner, []);
      }
      return;
    }
    // Announced once per error; the countdown ticks quietly inside it.
    if (this.bannerKey !== feed.error) {
      this.bannerKey = feed.error;
      swap(this.banner, [h("div", { class: "banner banner--bad banner--top", role: "alert" },
        h("strong", {}, "The control plane is unreachable. "),
        `${feed.error}. `,
        state.receivedAt ? `What you see is from ${clock(state.receivedAt)} and may be out of date. ` : "",
        h("span", { class: "countdown", "aria-live": "off" }),
        h("button", { class: "button button--small", type: "button", "data-key": "retry", onclick: () => this.actions.retryNow() }, "Retry now"))]);
    }
    const retryIn = Math.max(0, Math.ceil((feed.retryAt - now) / 1000));
    const countdown = this.banner.querySelector(".countdown");
    if (countdown) countdown.textContent = retryIn > 0 ? `Retrying in ${retryIn} s. ` : "Retrying… ";
  }
}
