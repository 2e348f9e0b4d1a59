// The impact report as JSON (docs/gitops.md), and reading one back: a plan.json handed to the PR bot
// comes from an unprivileged job that ran the PR's code, so it is checked against the schema first.
import { Ajv } from "ajv";
import type { ImpactReport } from "../../compiler/diff/report.ts";
import { ImpactReportSchema } from "./json-schema.ts";

export function renderJson(report: ImpactReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

const validate = new Ajv({ allErrors: true, strict: false }).compile(ImpactReportSchema);

export function parseReport(text: string): { report?: ImpactReport; problems: string[] } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { problems: [`not JSON: ${(error as Error).message}`] };
  }
  if (!validate(value)) return { problems: (validate.errors ?? []).slice(0, 10).map((e) => `${e.instancePath || "/"} ${e.message}`) };
  return { report: value as ImpactReport, problems: [] };
}
