// Changes: the bundle history, newest first, each version with the impact summary of the change it made,
// and a rollback to any earlier version (the page asks for confirmation first: see main.ts).
import type { ChangeEntry } from "../../changes.ts";
import { h, type Child } from "../dom.ts";
import { ago } from "../format.ts";
import type { Actions, AppState } from "../state.ts";

function impact(entry: ChangeEntry): Child {
  const summary = entry.impact;
  if (!summary) return h("p", { class: "muted" }, "No impact summary: a bundle of this change is no longer in the state directory.");
  const lines = summary.services.flatMap((s) => s.changes.length === 0
    ? [h("li", {}, h("strong", {}, s.id), ` ${s.status}`)]
    : s.changes.map((c) => h("li", {}, h("strong", {}, s.id), ` ${c.summary}`)));
  const all = [...summary.mesh.map((m) => h("li", {}, m)), ...lines];
  const shown = summary.verdict === "first" ? [] : all;
  return h("div", { class: "impact" },
    h("p", { class: `impact-headline impact--${summary.verdict}` }, summary.headline),
    summary.risks.length ? h("ul", { class: "risks" }, summary.risks.map((r) => h("li", { class: "banner banner--bad" }, h("strong", {}, r.code), ` ${r.message}`))) : null,
    shown.length === 0 ? null : shown.length <= 6 ? h("ul", { class: "impact-lines" }, shown)
      : h("details", {}, h("summary", {}, `${shown.length} changes`), h("ul", { class: "impact-lines" }, shown)));
}

export function changesView(state: AppState, actions: Actions, now: number): Child[] {
  const head = h("header", { class: "view-head" },
    h("h1", {}, "Changes"),
    h("p", { class: "sub" }, "Every bundle the control plane applied, newest first, with what it changed against the one before. Rolling back re-applies an earlier bundle to every proxy at once."));
  if (state.changesError) return [head, h("p", { class: "banner banner--bad", role: "alert" }, `Could not load the history: ${state.changesError}`)];
  if (!state.changes) return [head, h("p", { class: "empty" }, "Loading the history…")];
  if (state.changes.length === 0) return [head, h("p", { class: "empty" }, "No bundle applied yet.")];
  // As POST /api/rollback without a version: the newest entry with another version than the one in force.
  const inForce = state.changes.find((c) => c.current)?.version;
  const previous = state.changes.find((c) => c.version !== inForce);
  return [
    head,
    previous ? h("p", {}, h("button", {
      class: "button button--danger-outline", type: "button", "data-key": "rollback-previous",
      onclick: () => actions.rollback(previous),
    }, `Roll back to the previous version (${previous.version})`)) : null,
    h("ol", { class: "changes", "aria-label": "Bundle history" }, state.changes.map((entry) => h("li", {
      class: `change${entry.current ? " change--current" : ""}`, "data-version": entry.version,
    },
    h("div", { class: "change-head" },
      h("code", { class: "version" }, entry.version),
      entry.current ? h("span", { class: "badge badge--ok" }, "in force") : entry.version === inForce ? h("span", { class: "badge" }, "same as in force") : null,
      h("span", { class: "muted", title: entry.appliedAt }, `applied ${ago(entry.appliedAt, now)}`),
      h("span", { class: "source" }, entry.source),
      entry.version === inForce ? null : h("button", {
        class: "button button--small", type: "button", "data-key": `rollback:${entry.version}`,
        "aria-label": `Roll back to ${entry.version}`, onclick: () => actions.rollback(entry),
      }, "Roll back to this")),
    impact(entry)))),
  ];
}
