// Renders diagnostics for people, in tsc's layout: file:line:col, severity and code, the message, a
// code frame with the offending column marked, and a hint. Pure: output is a string.
import { readFileSync } from "node:fs";
import path from "node:path";
import type { Diagnostic } from "./diagnostic.ts";
import { paint, type Palette } from "./palette.ts";

function frame(root: string, d: Diagnostic, p: Palette): string[] {
  if (!d.location) return [];
  let lines: string[];
  try {
    lines = readFileSync(path.join(root, d.location.file), "utf8").split("\n");
  } catch {
    return [];
  }
  const text = lines[d.location.line - 1];
  if (text === undefined) return [];
  const gutter = String(d.location.line);
  const token = /^[\w$"'`.-]+/.exec(text.slice(d.location.column - 1))?.[0].length ?? 1;
  return [
    "",
    `${p.dim(gutter)} ${text}`,
    `${" ".repeat(gutter.length)} ${" ".repeat(d.location.column - 1)}${(d.severity === "error" ? p.red : p.yellow)("~".repeat(Math.max(1, token)))}`,
  ];
}

export function formatDiagnostic(root: string, d: Diagnostic, p: Palette = paint(false)): string {
  const where = d.location ? `${p.cyan(d.location.file)}:${p.yellow(String(d.location.line))}:${p.yellow(String(d.location.column))} - ` : "";
  const severity = d.severity === "error" ? p.red("error") : p.yellow("warning");
  return [
    `${where}${severity} ${p.dim(d.code)}: ${d.message}`,
    ...frame(root, d, p),
    ...(d.hint ? [`  ${p.dim("hint:")} ${d.hint}`] : []),
  ].join("\n");
}

export function summarize(diagnostics: readonly Diagnostic[]): string {
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  const warnings = diagnostics.length - errors;
  const files = new Set(diagnostics.map((d) => d.location?.file).filter(Boolean)).size;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  if (diagnostics.length === 0) return "No problems found.";
  return `Found ${plural(errors, "error")} and ${plural(warnings, "warning")}${files ? ` in ${plural(files, "file")}` : ""}.`;
}

export function formatDiagnostics(root: string, diagnostics: readonly Diagnostic[], p: Palette = paint(false)): string {
  return [...diagnostics.map((d) => formatDiagnostic(root, d, p)), summarize(diagnostics)].join("\n\n");
}
