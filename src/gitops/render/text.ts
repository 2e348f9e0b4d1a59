// The impact report for a terminal: the same sections as markdown, as aligned plain text, coloured
// when the palette says so (a TTY without NO_COLOR).
import type { ImpactReport, RouteRow } from "../../compiler/diff/report.ts";
import type { Palette } from "../../compiler/diagnostics/palette.ts";
import { plural, riskTitle, where } from "./words.ts";

const MARK: Record<RouteRow["status"], string> = { unchanged: " ", added: "+", removed: "-", changed: "~", moved: "↕" };

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd());
}

export function renderText(r: ImpactReport, p: Palette): string {
  const out: string[] = [];
  const verdict = r.verdict === "error" ? p.red : r.risks.length ? p.yellow : p.green;
  out.push(p.bold(verdict(r.headline)), p.dim(`${r.base.ref}${r.base.commit ? ` (${r.base.commit.slice(0, 7)})` : ""} → ${r.head.ref} · ${r.policiesPath}`), "");
  if (r.risks.length) {
    out.push(p.bold(p.yellow(`${plural(r.risks.length, "risk")}:`)));
    for (const risk of r.risks) out.push(`  ${p.yellow("⚠")} ${p.bold(riskTitle(risk.code))}: ${risk.message}${risk.location ? p.dim(` (${where(r.policiesPath, risk.location)})`) : ""}`);
    out.push("");
  }
  for (const [name, side] of [["head", r.head], ["base", r.base]] as const) {
    if (side.diagnostics.length === 0) continue;
    out.push(p.bold(`${name} diagnostics (${side.ref}):`));
    for (const d of side.diagnostics) {
      const sev = d.severity === "error" ? p.red("error") : p.yellow("warning");
      out.push(`  ${d.location ? `${p.cyan(where(r.policiesPath, d.location))}:${d.location.column} ` : ""}${sev} ${p.dim(d.code)}: ${d.message}`);
    }
    out.push("");
  }
  for (const c of r.mesh) out.push(`mesh: ${c.summary}`);
  for (const s of r.services) {
    out.push(p.bold(`${s.id} (${s.status})`));
    for (const c of s.changes) out.push(`  ${c.route ? `${p.cyan(c.route)}: ` : ""}${c.summary}`);
    if (s.routes.length) {
      const rows = [["", "#", "route", "match", "to", "timeout", "retries", "worst case"], ...s.routes.map((x) => [MARK[x.status], x.status === "removed" ? "-" : String(x.index + 1), x.name, x.match, x.to, x.timeout, x.retries, x.worstCase])];
      out.push(...table(rows).map((line, i) => `    ${i === 0 ? p.dim(line) : line}`));
    }
    out.push("");
  }
  const changedCells = r.authz.cells.filter((c) => c.changed);
  if (changedCells.length) {
    out.push(p.bold("who may call whom (changed):"));
    for (const c of changedCells) out.push(`  ${c.caller} → ${c.service}: ${c.before?.detail ?? "—"} → ${p.bold(c.after?.detail ?? "—")}`);
    out.push("");
  }
  if (r.blastRadius.length) {
    out.push(p.bold("blast radius:"));
    for (const b of r.blastRadius) {
      out.push(`  ${b.service} ← ${b.anyCaller ? "any workload" : b.callers.join(", ") || "no caller"}${b.live ? ` (${b.live.totalRps} rps now)` : ""}`);
      for (const s of b.live?.shifts ?? []) out.push(`    ${s}`);
    }
    if (r.liveTraffic.status === "unreachable") out.push(p.dim(`  live rates unavailable: ${r.liveTraffic.error}`));
    out.push("");
  }
  if (r.replay) {
    const x = r.replay;
    out.push(p.bold(`replay: ${x.samples} requests, ${x.changedDestination} change destination, ${x.changedAuthorization} change authorization`));
    for (const e of x.examples) out.push(`  ${JSON.stringify(e.request)}`, `    before: ${e.before}`, `    after:  ${e.after}`);
    out.push("");
  }
  if (r.emitLimits.length) out.push(p.dim(`emit targets: ${plural(r.emitLimits.length, "thing")} the Kubernetes targets cannot express for the changed services (see --format markdown)`));
  return out.join("\n").trimEnd();
}
