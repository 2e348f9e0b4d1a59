// Regenerates the code table of docs/diagnostics.md from the catalog (the one source of truth):
//   node --import tsx scripts/diagnostics-doc.ts
// test/docs/diagnostics-doc.test.ts fails when the table is out of date.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { catalog } from "../src/compiler/diagnostics/catalog.ts";

export const DOC = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../docs/diagnostics.md");
const BEGIN = "<!-- codes:begin -->";
const END = "<!-- codes:end -->";

export function codeTable(): string {
  const rows = Object.entries(catalog).map(([code, entry]) => `| ${code} | ${entry.severity} | ${entry.title} |`);
  return ["| code | severity | meaning |", "|---|---|---|", ...rows].join("\n");
}

export function renderDoc(current: string): string {
  const start = current.indexOf(BEGIN);
  const end = current.indexOf(END);
  if (start < 0 || end < 0) throw new Error(`${DOC} lacks the ${BEGIN} … ${END} markers`);
  return `${current.slice(0, start + BEGIN.length)}\n${codeTable()}\n${current.slice(end)}`;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  writeFileSync(DOC, renderDoc(readFileSync(DOC, "utf8")));
  console.log(`updated ${DOC}`);
}
