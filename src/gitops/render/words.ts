// Words shared by every rendering of an impact report.
import type { SourceLocation } from "../../compiler/diagnostics/diagnostic.ts";
import type { RiskCode } from "../../compiler/diff/report.ts";

const TITLES: Record<RiskCode, string> = {
  "authz-widened": "authorization widened",
  "mtls-weakened": "mTLS weakened",
  "non-idempotent-retry": "retries on a non-idempotent method",
  "no-endpoints": "route to a version with no endpoints",
  "unreachable-route": "route can never match",
  "emit-unsupported": "an emit target cannot express this",
};

export const riskTitle = (code: RiskCode) => TITLES[code];

/** A policy location as a repository path: what a reviewer can open and what annotations need. */
export function repoPath(policiesPath: string, file: string): string {
  return policiesPath === "." ? file : `${policiesPath}/${file}`;
}

export function where(policiesPath: string, l: SourceLocation): string {
  return `${repoPath(policiesPath, l.file)}:${l.line}`;
}

export const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
