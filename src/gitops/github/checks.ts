// The plan as a check run on the PR's head commit: annotations point at the policy lines behind each
// diagnostic and risk. GitHub takes at most 50 annotations per request, so the first 50 go with the
// create and the rest in further updates of the same run.
import type { ImpactReport } from "../../compiler/diff/report.ts";
import { renderMarkdown } from "../render/markdown.ts";
import { repoPath, riskTitle } from "../render/words.ts";
import { call, type GitHub, type RepoRef } from "./client.ts";

export const ANNOTATIONS_PER_REQUEST = 50;
const SUMMARY_LIMIT = 65_535;

export interface Annotation {
  path: string;
  start_line: number;
  end_line: number;
  annotation_level: "notice" | "warning" | "failure";
  title: string;
  message: string;
}

export function annotationsOf(report: ImpactReport): Annotation[] {
  const out: Annotation[] = [];
  for (const d of report.head.diagnostics) {
    if (!d.location) continue;
    out.push({
      path: repoPath(report.policiesPath, d.location.file), start_line: d.location.line, end_line: d.location.line,
      annotation_level: d.severity === "error" ? "failure" : "warning", title: `${d.code} ${d.severity}`,
      message: `${d.message}${d.hint ? `\nhint: ${d.hint}` : ""}`,
    });
  }
  for (const risk of report.risks) {
    if (!risk.location) continue;
    out.push({
      path: repoPath(report.policiesPath, risk.location.file), start_line: risk.location.line, end_line: risk.location.line,
      annotation_level: risk.code === "emit-unsupported" ? "notice" : "warning", title: riskTitle(risk.code), message: risk.message,
    });
  }
  return out;
}

export function conclusionOf(report: ImpactReport): "success" | "neutral" | "failure" {
  if (!report.head.compiled) return "failure";
  return report.verdict === "error" || report.risks.length > 0 ? "neutral" : "success";
}

export async function publishCheckRun(gh: GitHub, where: RepoRef & { sha: string }, report: ImpactReport, name = "typemesh plan"): Promise<{ id: number; annotations: number; requests: number }> {
  const annotations = annotationsOf(report);
  const batches: Annotation[][] = [];
  for (let i = 0; i < annotations.length; i += ANNOTATIONS_PER_REQUEST) batches.push(annotations.slice(i, i + ANNOTATIONS_PER_REQUEST));
  const output = (batch: Annotation[]) => ({
    title: report.headline.slice(0, 255),
    summary: renderMarkdown(report, { limit: SUMMARY_LIMIT, whereFull: "The full report is in the workflow's typemesh-plan artifact." }),
    ...(batch.length > 0 && { annotations: batch }),
  });
  const created = await call("create the check run", () => gh.rest.checks.create({
    owner: where.owner, repo: where.repo, name, head_sha: where.sha, status: "completed", conclusion: conclusionOf(report), output: output(batches[0] ?? []),
  }));
  for (const batch of batches.slice(1)) {
    await call("add annotations to the check run", () => gh.rest.checks.update({ owner: where.owner, repo: where.repo, check_run_id: created.data.id, output: output(batch) }));
  }
  return { id: created.data.id, annotations: annotations.length, requests: Math.max(1, batches.length) };
}
