// typemesh's authorization paths are Istio's patterns: exact, "/prefix*", "*suffix" or "*". Linkerd has
// no such patterns and no deny rules, so subtracting a deny from an allow needs to know when one pattern
// covers or may overlap another, and an inbound HTTPRoute needs each pattern as a path match.
import type { StringMatchIR } from "../../../ir/schema.ts";
import { escapeRegex } from "../shared/regex.ts";

type Pattern = { kind: "any" } | { kind: "exact" | "prefix" | "suffix"; text: string };

function parse(p: string): Pattern {
  if (p === "*") return { kind: "any" };
  if (p.endsWith("*")) return { kind: "prefix", text: p.slice(0, -1) };
  if (p.startsWith("*")) return { kind: "suffix", text: p.slice(1) };
  return { kind: "exact", text: p };
}

/** Does every path `inner` matches also match `outer`? */
export function patternCovers(outer: string, inner: string): boolean {
  const o = parse(outer);
  const i = parse(inner);
  if (o.kind === "any") return true;
  if (i.kind === "any") return false;
  if (o.kind === "exact") return i.kind === "exact" && i.text === o.text;
  if (o.kind === "prefix") return (i.kind === "exact" || i.kind === "prefix") && i.text.startsWith(o.text);
  return (i.kind === "exact" || i.kind === "suffix") && i.text.endsWith(o.text);
}

/** Could one path match both? False only when provably not. */
export function patternsMayOverlap(a: string, b: string): boolean {
  const x = parse(a);
  const y = parse(b);
  if (x.kind === "any" || y.kind === "any") return true;
  if (x.kind === "exact") return patternCovers(b, a);
  if (y.kind === "exact") return patternCovers(a, b);
  if (x.kind === "prefix" && y.kind === "prefix") return x.text.startsWith(y.text) || y.text.startsWith(x.text);
  if (x.kind === "suffix" && y.kind === "suffix") return x.text.endsWith(y.text) || y.text.endsWith(x.text);
  return true;
}

/** A pattern as a path match (undefined: any path); prefixes and suffixes become anchored expressions. */
export function patternPath(p: string): StringMatchIR | undefined {
  const pattern = parse(p);
  switch (pattern.kind) {
    case "any": return undefined;
    case "exact": return { kind: "exact", value: pattern.text };
    case "prefix": return { kind: "regex", value: `^${escapeRegex(pattern.text)}.*$` };
    case "suffix": return { kind: "regex", value: `^.*${escapeRegex(pattern.text)}$` };
  }
}
