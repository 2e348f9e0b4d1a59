// Diagnostics are data: a stable code, a severity, a message and where in the policy sources it points.
// Every phase collects them; nothing in the compiler throws for a user's mistake.

export type Severity = "error" | "warning";

export interface SourceLocation {
  /** Path relative to the policies directory, with forward slashes. */
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
}

export interface Diagnostic {
  code: string;
  severity: Severity;
  message: string;
  location?: SourceLocation;
  /** What to do about it, when there is a usual fix. */
  hint?: string;
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === "error");
}

/** Errors first, then by file, line, column and code: the order users read them in. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const rank = (d: Diagnostic) => (d.severity === "error" ? 0 : 1);
  return [...diagnostics].sort(
    (a, b) =>
      (a.location?.file ?? "").localeCompare(b.location?.file ?? "") ||
      (a.location?.line ?? 0) - (b.location?.line ?? 0) ||
      (a.location?.column ?? 0) - (b.location?.column ?? 0) ||
      rank(a) - rank(b) ||
      a.code.localeCompare(b.code),
  );
}
