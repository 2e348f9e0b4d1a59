// The markdown sections after the per-service changes: blast radius, replay, emit-target limits.
import type { ImpactReport } from "../../compiler/diff/report.ts";
import { esc, type Section } from "./markdown-sections.ts";
import { plural, where } from "./words.ts";

export function blastRadiusSection(r: ImpactReport): Section[] {
  if (r.blastRadius.length === 0) return [];
  const live = r.liveTraffic;
  const note = live.status === "ok" ? `live rates from ${esc(live.source ?? "")} (last 60 s)`
    : live.status === "unreachable" ? `live rates unavailable: control plane ${esc(live.source ?? "")} unreachable (${esc(live.error ?? "")})`
      : "from the policies; pass --control-plane for live request rates";
  const lines = r.blastRadius.map((b) => {
    const who = b.anyCaller ? "any workload (no allow rule limits its callers)" : b.callers.length ? b.callers.map(esc).join(", ") : "no caller";
    const rates = b.live ? ` — ${b.live.totalRps} rps now${b.live.edges.length ? ` (${b.live.edges.slice(0, 8).map((e) => `${esc(e.caller)} ${e.rps} rps`).join(", ")})` : ""}` : "";
    const shifts = b.live?.shifts.map((s) => `\n  - ${esc(s)}`).join("") ?? "";
    return `- **${esc(b.service)}** ← ${who}${rates}${shifts}`;
  });
  return [{ essential: false, label: "blast radius", text: `<details><summary><b>Blast radius</b> — ${plural(r.blastRadius.length, "service")} affected; ${note}</summary>\n\n${lines.join("\n")}\n\n</details>\n` }];
}

export function replaySection(r: ImpactReport): Section[] {
  const x = r.replay;
  if (!x) return [];
  const examples = x.examples.map((e) => `- ${esc(JSON.stringify(e.request))}\n  - before: ${esc(e.before)}\n  - after: **${esc(e.after)}**`).join("\n");
  const unreadable = x.unreadable ? ` (${plural(x.unreadable, "line")} skipped: not a request)` : "";
  return [{
    essential: false, label: "replay",
    text: `<details${x.changedDestination + x.changedAuthorization ? " open" : ""}><summary><b>Replay of ${plural(x.samples, "recorded request")}</b>: ${x.changedDestination} change destination, ${x.changedAuthorization} change authorization${unreadable}</summary>\n\n${examples || "No sample changes."}\n\n</details>\n`,
  }];
}

export function emitLimitsSection(r: ImpactReport): Section[] {
  if (r.emitLimits.length === 0) return [];
  const lines = r.emitLimits.map((l) => `- ${esc(l.message)}${l.location ? ` (<code>${esc(where(r.policiesPath, l.location))}</code>)` : ""}`);
  return [{ essential: false, label: "emit targets", text: `<details><summary><b>Emit targets</b> — ${plural(r.emitLimits.length, "thing")} the istio, gateway-api or linkerd output of the changed services cannot express as declared</summary>\n\n${lines.join("\n")}\n\n</details>\n` }];
}
