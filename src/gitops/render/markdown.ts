// The impact report as one GitHub markdown document (PR comment, PR description, check summary),
// collapsible where long, cut to a limit with the headline and risks always kept.
import type { ImpactReport } from "../../compiler/diff/report.ts";
import { fitSections, GITHUB_COMMENT_LIMIT } from "./fit.ts";
import { blastRadiusSection, emitLimitsSection, replaySection } from "./markdown-extra.ts";
import { authzSection, diagnosticsSections, headlineSection, meshSection, riskLine, risksSection, serviceSection, type Section } from "./markdown-sections.ts";

export interface MarkdownOptions {
  limit?: number;
  /** Where a reader finds the uncut report; said in the note when sections are cut. */
  whereFull?: string;
}

/** Risks share the budget with the headline: at most half of it, so a few services still show. */
function boundedRisks(r: ImpactReport, budget: number): Section {
  const lines = r.risks.map((risk) => riskLine(r, risk));
  let size = 0, n = 0;
  while (n < lines.length && size + lines[n]!.length + 3 <= budget) size += lines[n++]!.length + 3;
  return risksSection(r, lines.slice(0, n), lines.length - n);
}

export function renderMarkdown(r: ImpactReport, options: MarkdownOptions = {}): string {
  const limit = options.limit ?? GITHUB_COMMENT_LIMIT;
  const sections: Section[] = [
    headlineSection(r),
    boundedRisks(r, Math.floor(limit / 2)),
    ...diagnosticsSections(r),
    ...meshSection(r),
    ...r.services.map((s) => serviceSection(r, s)),
    ...authzSection(r),
    ...blastRadiusSection(r),
    ...replaySection(r),
    ...emitLimitsSection(r),
    { essential: true, label: "footer", text: `<sub>typemesh plan · report schema ${r.schemaVersion} · \`typemesh plan --format json\` for the data</sub>\n` },
  ];
  const whereFull = options.whereFull ?? "Run `typemesh plan` for the full report.";
  return fitSections(sections, limit, whereFull).text;
}
