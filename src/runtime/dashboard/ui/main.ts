// The dashboard page: asks for the admin token (kept in sessionStorage, sent as a Bearer header), follows
// the live feed, and draws the view the URL's hash names. Views are functions of the state; a view is
// redrawn only when what it shows changed, and keyboard focus survives a redraw.
import type { MeshIR } from "../../../compiler/ir/schema.ts";
import type { ChangeEntry } from "../changes.ts";
import { call, LiveFeed, Unauthorized, Unreachable, type FeedStatus } from "./api.ts";
import { h, swap, type Child } from "./dom.ts";
import { Chrome } from "./chrome.ts";
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
  const toast = h("div", { class: "toast", role: "status", "aria-live": "polite" });
  const dialog = h("dialog", { class: "confirm", "aria-labelledby": "confirm-title" });
  const chrome = new Chrome({ signOut: () => signOut(), retryNow: () => feed.retryNow() });
  root.replaceChildren(chrome.header, chrome.banner, main, toast, dialog);

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
    // Not under a pressed button (the click would be lost) or someone's text selection (copying a
    // version or a NACK reason): the next tick redraws.
    if (!force && (pointerDown || selecting())) return;
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
    chrome.update(state, now);
    renderMain(now, force);
  }

  let pointerDown = false;
  document.addEventListener("pointerdown", () => { pointerDown = true; }, true);
  document.addEventListener("pointerup", () => { pointerDown = false; }, true);
  document.addEventListener("pointercancel", () => { pointerDown = false; }, true);
  const selecting = () => {
    const selection = document.getSelection();
    return !!selection && !selection.isCollapsed && main.contains(selection.anchorNode);
  };

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
