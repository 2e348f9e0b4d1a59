// Collects what a target cannot express as coded diagnostics at the policy line behind it. Messages
// start with the target's name, so `--target all` output says which manifest set is affected.
import { catalog, type DiagnosticCode } from "../../../diagnostics/catalog.ts";
import type { Diagnostic, SourceLocation } from "../../../diagnostics/diagnostic.ts";
import type { TargetName } from "../target.ts";

export type TargetCode = Extract<DiagnosticCode, `TM3${string}`>;

export interface TargetReport {
  readonly diagnostics: Diagnostic[];
  report(code: TargetCode, location: SourceLocation | undefined, message: string, hint?: string): void;
}

export function targetReport(target: TargetName): TargetReport {
  const diagnostics: Diagnostic[] = [];
  const seen = new Set<string>();
  return {
    diagnostics,
    report(code, location, message, hint) {
      const d: Diagnostic = {
        code,
        severity: catalog[code].severity,
        message: `${target}: ${message}`,
        ...(location && { location: { file: location.file, line: location.line, column: location.column } }),
        ...(hint && { hint }),
      };
      // One feature can be met twice (a route split in two, a rule seen from two sides): say it once.
      const key = `${code}|${location?.file}:${location?.line}:${location?.column}|${d.message}`;
      if (seen.has(key)) return;
      seen.add(key);
      diagnostics.push(d);
    },
  };
}
