// The impact report as GitHub markdown, one section at a time, so fit.ts can cut whole sections when a
// comment would be too long. Every string from the report is escaped: a plan.json comes from the PR
// under review and must not inject HTML, mentions or table cells.
import type { Diagnostic } from "../../compiler/diagnostics/diagnostic.ts";
import type { AuthzCell, ImpactReport, Risk, RouteRow, ServiceImpact } from "../../compiler/diff/report.ts";
import { plural, riskTitle, where } from "./words.ts";

export interface Section {
  /** Kept whatever the length: the headline and the risks. */
  essential: boolean;
  /** What a cut section is called in the "not shown" note. */
  label: string;
  text: string;
}

export function esc(text: string): string {
  return text.replace(/[&<>|@`*_[\]\\]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", "|": "&#124;", "@": "&#64;" } as Record<string, string>)[c] ?? `\\${c}`);
}

const code = (text: string) => `<code>${esc(text)}</code>`;

export function headlineSection(r: ImpactReport): Section {
  const icon = r.verdict === "error" ? "❌" : r.verdict === "no-change" ? "✅" : r.risks.length ? "⚠️" : "📝";
  const base = `${code(r.base.ref)}${r.base.commit ? ` (${r.base.commit.slice(0, 7)})` : ""}`;
  return { essential: true, label: "headline", text: `### ${icon} typemesh plan\n\n**${esc(r.headline)}**\n\n${base} → ${code(r.head.ref)} · policies in ${code(r.policiesPath)}\n` };
}

export function riskLine(r: ImpactReport, risk: Risk): string {
  return `- **${riskTitle(risk.code)}** — ${esc(risk.message)}${risk.location ? ` (${code(where(r.policiesPath, risk.location))})` : ""}`;
}

export function risksSection(r: ImpactReport, lines = r.risks.map((risk) => riskLine(r, risk)), cut = 0): Section {
  if (r.risks.length === 0) return { essential: true, label: "risks", text: "" };
  const more = cut > 0 ? [`- … and ${cut} more risk${cut === 1 ? "" : "s"}: see the full plan`] : [];
  return { essential: true, label: "risks", text: `> [!WARNING]\n> **${r.risks.length} risk${r.risks.length === 1 ? "" : "s"} to review**\n>\n${[...lines, ...more].map((l) => `> ${l}`).join("\n")}\n` };
}

function diagnosticLine(r: ImpactReport, d: Diagnostic): string {
  return `- ${d.severity === "error" ? "❌ error" : "⚠️ warning"} ${code(d.code)}${d.location ? ` ${code(where(r.policiesPath, d.location))}` : ""}: ${esc(d.message)}${d.hint ? ` — _${esc(d.hint)}_` : ""}`;
}

export function diagnosticsSections(r: ImpactReport): Section[] {
  const out: Section[] = [];
  for (const [name, side] of [["head", r.head], ["base", r.base]] as const) {
    if (side.diagnostics.length === 0) continue;
    const errors = side.diagnostics.filter((d) => d.severity === "error").length;
    const title = `${name === "head" ? "This change" : `Base ${esc(side.ref)}`}: ${errors} error${errors === 1 ? "" : "s"}, ${side.diagnostics.length - errors} warning${side.diagnostics.length - errors === 1 ? "" : "s"}`;
    // Head's errors are what the author must fix: shown open, and kept even in a cut comment.
    const open = name === "head" && errors > 0;
    out.push({ essential: open, label: `${name} diagnostics`, text: `<details${open ? " open" : ""}><summary><b>${title}</b></summary>\n\n${side.diagnostics.map((d) => diagnosticLine(r, d)).join("\n")}\n\n</details>\n` });
  }
  return out;
}

const MARK: Record<RouteRow["status"], string> = { unchanged: "", added: "🆕 added", removed: "🗑 removed", changed: "✏️ changed", moved: "↕️ moved" };

function routeTable(rows: RouteRow[]): string {
  const head = "| # | route | match (in order) | to | timeout | retries | worst case | |\n|---|---|---|---|---|---|---|---|";
  const body = rows.map((x) => {
    const name = x.status === "removed" ? `~~${esc(x.name)}~~` : esc(x.name);
    const extras = x.extras.length ? `<br>${esc(x.extras.join("; "))}` : "";
    return `| ${x.status === "removed" ? "–" : x.index + 1} | ${name} | ${esc(x.match)}${extras} | ${esc(x.to)} | ${esc(x.timeout)} | ${esc(x.retries)} | ${esc(x.worstCase)} | ${MARK[x.status]} |`;
  });
  return [head, ...body].join("\n");
}

export function serviceSection(r: ImpactReport, s: ServiceImpact): Section {
  const badge = { added: "🆕 added", removed: "🗑 removed", changed: "✏️ changed" }[s.status];
  const changes = s.changes.map((c) => `- ${c.route ? `route **${esc(c.route)}**: ` : ""}${esc(c.summary)}${c.location ? ` (${code(where(r.policiesPath, c.location))})` : ""}`).join("\n");
  const table = s.routes.length ? `\n\n<details><summary>Route table (${plural(s.routes.filter((x) => x.status !== "removed").length, "route")}, first match wins)</summary>\n\n${routeTable(s.routes)}\n\n</details>` : "";
  return { essential: false, label: `service ${s.id}`, text: `#### ${esc(s.id)} — ${badge}\n\n${changes}${table}\n` };
}

export function meshSection(r: ImpactReport): Section[] {
  if (r.mesh.length === 0) return [];
  return [{ essential: false, label: "mesh-wide changes", text: `#### Mesh-wide\n\n${r.mesh.map((c) => `- ${esc(c.summary)}`).join("\n")}\n` }];
}

const LEVEL = { all: "✅ all", some: "◐ some", none: "⛔ none" } as const;

function cellText(c: AuthzCell | undefined): string {
  if (!c) return "";
  const b = c.before ? LEVEL[c.before.level] : "—", a = c.after ? LEVEL[c.after.level] : "—";
  return c.changed ? `**${b} → ${a}**` : a === "—" ? `${b} → —` : b === "—" ? `— → ${a}` : a;
}

export function authzSection(r: ImpactReport): Section[] {
  const m = r.authz;
  if (m.services.length === 0 || m.callers.length === 0) return [];
  const cell = new Map(m.cells.map((c) => [`${c.caller}→${c.service}`, c]));
  const header = `| caller ↓ / service → | ${m.services.map(esc).join(" | ")} |\n|---|${m.services.map(() => "---").join("|")}|`;
  const rows = m.callers.map((caller) => `| ${esc(caller)} | ${m.services.map((s) => cellText(cell.get(`${caller}→${s}`))).join(" | ")} |`);
  const EFFECT = { widened: "🔓 widened", narrowed: "🔒 narrowed", mixed: "🔀 changed" } as const;
  const changed = m.cells.filter((c) => c.changed).map((c) => `- ${c.effect ? `${EFFECT[c.effect]}: ` : ""}${esc(c.caller)} → ${esc(c.service)}: ${esc(c.before?.detail ?? "—")} → **${esc(c.after?.detail ?? "—")}**`);
  const anyChanged = changed.length > 0;
  const oneSided = m.cells.some((c) => !c.before || !c.after);
  return [{
    essential: false, label: "who-may-call-whom matrix",
    text: `<details${anyChanged ? " open" : ""}><summary><b>Who may call whom</b>${anyChanged ? ` — ${plural(changed.length, "cell")} changed (bold)` : oneSided ? " — only added or removed services (—)" : " — unchanged"}</summary>\n\n${header}\n${rows.join("\n")}\n\n${changed.join("\n")}\n\n</details>\n`,
  }];
}
