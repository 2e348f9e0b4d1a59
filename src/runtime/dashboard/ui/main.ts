// The dashboard page: asks for the admin token (kept in sessionStorage, sent as a Bearer header), follows
// the live feed, and draws the view the URL's hash names. Views are functions of the state; a view is
// redrawn only when what it shows changed, and keyboard focus survives a redraw.
import type { MeshIR } from "../../../compiler/ir/schema.ts";
import type { ChangeEntry } from "../changes.ts";
import { call, LiveFeed, Unauthorized, Unreachable, type FeedStatus } from "./api.ts";
import { h, swap, type Child } from "./dom.ts";
import { clock } from "./format.ts";
import { moveFocus } from "./keyboard.ts";
import { clearToken, loginView, readToken, saveToken } from "./login.ts";
import { parseRoute, serviceHash, VIEWS, type Actions, type AppState } from "./state.ts";
import { changesView } from "./views/changes.ts";
import { proxiesView } from "./views/proxies.ts";
import { rolloutsView } from "./views/rollouts.ts";
import { serviceView } from "./views/service.ts";
import { topologyView } from "./views/topology.ts";

const root = document.getElementById("app")!;

function startApp(token: string): void {
  const state: AppState = { feed: { kind: "connecting" }, route: parseRoute(location.hash) };
  let fetchingBundle = false;
  let changesHead = "";
  let lastKey = "";
  let noticeTimer: ReturnType<typeof setTimeout> | undefined;

  const main = h("main", { id: "main", tabindex: -1 });
  const banner = h("div", { class: "banner-slot" });
  const toast = h("div", { class: "toast", role: "status", "aria-live": "polite" });
  const dialog = h("dialog", { class: "confirm", "aria-labelledby": "confirm-title" });
  const status = h("div", { class: "status", "aria-live": "off" });
  const tabs = h("nav", { class: "tabs", "aria-label": "Views" });
  root.replaceChildren(
    h("header", { class: "topbar" },
      h("a", { class: "brand", href: "#/topology", "aria-label": "typemesh dashboard: topology" }, h("span", { class: "brand-mark", "aria-hidden": "true" }), "typemesh"),
      tabs, status,
      h("button", { class: "button button--quiet", type: "button", onclick: () => signOut() }, "Sign out")),
    banner, main, toast, dialog);

  const feed = new LiveFeed(token, {
    state: (live) => {
      state.live = live;
      state.receivedAt = Date.now();
      document.body.dataset.updatedAt = String(live.at);
      if (live.bundle && live.bundle.version !== state.bundle?.version) void loadBundle();
      const head = `${live.history.count}:${live.history.head}`;
      if (head !== changesHead) {
        changesHead = head;
        void loadChanges();
      }
      render();
    },
    status: (s: FeedStatus) => {
      state.feed = s;
      document.body.dataset.feed = s.kind;
      if (s.kind === "unauthorized") return signOut("The control plane refused the saved token: it may have restarted with a new one.");
      render();
    },
  });

  async function loadBundle(): Promise<void> {
    if (fetchingBundle) return;
    fetchingBundle = true;
    try {
      state.bundle = await call<{ version: string; ir: MeshIR }>(token, "GET", "/api/bundles/current");
    } catch {
      // The feed reports reachability; a later state retries.
    } finally {
      fetchingBundle = false;
    }
    render(true);
  }

  async function loadChanges(): Promise<void> {
    try {
      state.changes = await call<ChangeEntry[]>(token, "GET", "/api/dashboard/changes?limit=50");
      state.changesError = undefined;
    } catch (error) {
      if (!(error instanceof Unreachable)) state.changesError = (error as Error).message;
    }
    render(true);
  }

  function notify(kind: "ok" | "error", text: string): void {
    clearTimeout(noticeTimer);
    toast.className = `toast toast--${kind} toast--shown`;
    toast.textContent = text;
    noticeTimer = setTimeout(() => { toast.className = "toast"; }, 8000);
  }

  function confirmRollback(entry: ChangeEntry): void {
    const inForce = state.live?.bundle?.version ?? "none";
    const cancel = h("button", { class: "button", type: "button", autofocus: true, onclick: () => dialog.close() }, "Cancel");
    const confirm = h("button", { class: "button button--danger", type: "button", "data-confirm": "rollback", onclick: () => {
      dialog.close();
      void doRollback(entry.version);
    } }, `Roll back to ${entry.version}`);
    swap(dialog, [
      h("h2", { id: "confirm-title" }, `Roll back to ${entry.version}?`),
      h("p", {}, `This re-applies the bundle applied ${new Date(entry.appliedAt).toLocaleString()} (${entry.source}) and pushes it to every proxy at once.`),
      h("p", {}, `The bundle in force now, ${inForce}, stays in the history: you can roll forward to it the same way.`),
      entry.impact ? h("p", { class: "muted" }, `When it was applied, that bundle's change was: ${entry.impact.headline}.`) : null,
      h("div", { class: "dialog-actions" }, cancel, confirm),
    ]);
    dialog.showModal();
    cancel.focus();
  }

  async function doRollback(version: string): Promise<void> {
    try {
      const outcome = await call<{ version: string; changed: boolean }>(token, "POST", "/api/rollback", { version });
      notify("ok", outcome.changed ? `Rolled back: bundle ${outcome.version} is in force.` : `Bundle ${outcome.version} was already in force.`);
    } catch (error) {
      if (error instanceof Unauthorized) return signOut(error.message);
      notify("error", `Rollback failed: ${(error as Error).message}`);
    }
    void loadChanges();
  }

  const actions: Actions = {
    navigate: (hash) => { location.hash = hash; },
    rollback: confirmRollback,
    retryNow: () => feed.retryNow(),
  };

  function renderChrome(now: number): void {
    const route = state.route.view === "service" ? "topology" : state.route.view;
    swap(tabs, [h("ul", {}, VIEWS.map((v, i) => h("li", {}, h("a", {
      href: v.hash, "data-key": `tab:${v.view}`, "aria-current": route === v.view ? "page" : undefined, "aria-keyshortcuts": String(i + 1),
    }, v.label, h("kbd", { "aria-hidden": "true" }, String(i + 1))))))]);
    const live = state.live;
    const feedText = state.feed.kind === "live" ? "live" : state.feed.kind === "connecting" ? "connecting…" : "unreachable";
    const ageSeconds = state.receivedAt ? Math.round((now - state.receivedAt) / 1000) : undefined;
    const proxies = live?.proxies ?? [];
    const synced = proxies.filter((p) => p.state === "SYNCED").length;
    const nacked = proxies.filter((p) => p.state === "NACKED").length;
    swap(status, [
      h("span", { class: `feed feed--${state.feed.kind}` }, h("span", { class: "dot", "aria-hidden": "true" }), feedText,
        ageSeconds !== undefined && state.feed.kind === "live" ? h("span", { class: "muted" }, ` · updated ${ageSeconds < 2 ? "now" : `${ageSeconds} s ago`}`) : null),
      live ? h("span", {}, "bundle ", h("code", {}, live.bundle?.version ?? "none")) : null,
      live ? h("a", { href: "#/proxies", class: nacked ? "alert-link" : "" }, `${synced}/${proxies.length} proxies synced${nacked ? ` · ${nacked} NACKED` : ""}`) : null,
    ]);
    const feedState = state.feed;
    if (feedState.kind === "unreachable") {
      const retryIn = Math.max(0, Math.ceil((feedState.retryAt - now) / 1000));
      swap(banner, [h("div", { class: "banner banner--bad banner--top", role: "alert" },
        h("strong", {}, "The control plane is unreachable. "),
        `${feedState.error}. `,
        state.receivedAt ? `What you see is from ${clock(state.receivedAt)} and may be out of date. ` : "",
        retryIn > 0 ? `Retrying in ${retryIn} s. ` : "Retrying… ",
        h("button", { class: "button button--small", type: "button", "data-key": "retry", onclick: () => feed.retryNow() }, "Retry now"))]);
    } else if (banner.firstChild) swap(banner, []);
  }

  function viewKey(now: number): string {
    const { live, route } = state;
    const base = `${route.view}|${"id" in route ? route.id : ""}|${state.bundle?.version}|${state.feed.kind}`;
    switch (route.view) {
      case "topology":
      case "service":
        return `${base}|${live?.at}`;
      case "proxies":
        return `${base}|${JSON.stringify(live?.proxies)}|${live?.bundle?.version}|${Math.floor(now / 10_000)}`;
      case "changes":
        return `${base}|${changesHead}|${state.changes?.length}|${state.changesError}|${Math.floor(now / 30_000)}`;
      case "rollouts":
        return `${base}|${JSON.stringify(live?.rollouts)}|${Math.floor(now / 1000)}`;
    }
  }

  function renderMain(now: number, force: boolean): void {
    const key = viewKey(now);
    if (!force && key === lastKey) return;
    lastKey = key;
    main.classList.toggle("stale", state.feed.kind === "unreachable");
    if (!state.live) {
      const s = state.feed;
      swap(main, [s.kind === "unreachable"
        ? h("section", { class: "unreachable", role: "alert" },
          h("h1", {}, "Cannot reach the control plane"),
          h("p", {}, `The dashboard asked ${location.origin} for the live feed and got no answer: ${s.error}.`),
          h("p", {}, "Is typemesh up (or typemesh control-plane) still running? The page keeps retrying on its own."),
          h("button", { class: "button", type: "button", "data-key": "retry-main", onclick: () => feed.retryNow() }, "Retry now"))
        : h("p", { class: "empty" }, "Connecting to the control plane…")]);
      return;
    }
    const route = state.route;
    let view: Child[];
    switch (route.view) {
      case "topology": view = topologyView(state, (id) => actions.navigate(serviceHash(id))); break;
      case "service": view = serviceView(state, route.id); break;
      case "proxies": view = proxiesView(state, now); break;
      case "changes": view = changesView(state, actions, now); break;
      case "rollouts": view = rolloutsView(state, now); break;
    }
    swap(main, view);
  }

  function render(force = false): void {
    const now = Date.now();
    renderChrome(now);
    renderMain(now, force);
  }

  window.addEventListener("hashchange", () => {
    state.route = parseRoute(location.hash);
    render(true);
    main.focus({ preventScroll: true });
    window.scrollTo(0, 0);
  });
  document.addEventListener("keydown", (event) => {
    const target = event.target as HTMLElement;
    if (dialog.open || event.altKey || event.ctrlKey || event.metaKey || /^(INPUT|SELECT|TEXTAREA)$/.test(target.tagName)) return;
    const view = VIEWS[Number(event.key) - 1];
    if (view) {
      event.preventDefault();
      location.hash = view.hash;
    } else if (target.dataset?.node !== undefined || target.getAttribute?.("data-node")) {
      if (moveFocus(main, target, event.key)) event.preventDefault();
    }
  });
  setInterval(() => render(), 1000);
  render(true);
  feed.start();
}

/** Forgets the token and reloads, which drops every timer and listener of the session. */
function signOut(message?: string): void {
  clearToken(message);
  location.replace(location.pathname);
}

function showLogin(message?: string): void {
  document.body.dataset.feed = "signed-out";
  root.replaceChildren(loginView(message, async (token) => {
    try {
      await call(token, "GET", "/api/status");
    } catch (error) {
      if (error instanceof Unauthorized) return "That token was refused by the control plane.";
      if (error instanceof Unreachable) return `Cannot reach the control plane at ${location.origin}: is it running?`;
      return (error as Error).message;
    }
    saveToken(token);
    // A full reload drops every timer and listener of the previous session.
    location.reload();
    return undefined;
  }));
}

const saved = readToken();
if (saved.token) startApp(saved.token);
else showLogin(saved.message);
