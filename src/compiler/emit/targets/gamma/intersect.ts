// The requests two atoms both match, as one atom — when Gateway API semantics allow writing it down.
// EMPTY: provably no request matches both. UNKNOWN: they may overlap but the overlap has no single-atom
// form (two expressions on one value). Paths follow Gateway API: PathPrefix matches whole segments.
import type { StringMatchIR, ValueMatchIR } from "../../../ir/schema.ts";
import { regexAccepts } from "../shared/regex.ts";
import type { Atom, NamedMatch } from "./atoms.ts";

export const EMPTY = Symbol("empty");
export const UNKNOWN = Symbol("unknown");
type Outcome<T> = T | typeof EMPTY | typeof UNKNOWN;

/** Does Gateway API's PathPrefix `prefix` match the request path `path`? Element by element. */
export function segmentPrefixMatches(prefix: string, path: string): boolean {
  const base = prefix.replace(/\/+$/, "");
  return base === "" || path === base || path.startsWith(`${base}/`);
}

function fromTest(result: boolean | undefined, keep: StringMatchIR | ValueMatchIR): Outcome<never> | typeof keep {
  return result === undefined ? UNKNOWN : result ? keep : EMPTY;
}

function intersectPath(a: StringMatchIR | undefined, b: StringMatchIR | undefined): Outcome<StringMatchIR | undefined> {
  if (!a) return b;
  if (!b || (a.kind === b.kind && a.value === b.value)) return a;
  const [x, y] = a.kind <= b.kind ? [a, b] : [b, a]; // kinds in order: exact < prefix < regex
  if (x.kind === "exact" && y.kind === "exact") return EMPTY;
  if (x.kind === "exact" && y.kind === "prefix") return segmentPrefixMatches(y.value, x.value) ? x : EMPTY;
  if (x.kind === "exact" && y.kind === "regex") return fromTest(regexAccepts(y.value, x.value), x) as Outcome<StringMatchIR>;
  if (x.kind === "prefix" && y.kind === "prefix") {
    if (segmentPrefixMatches(x.value, y.value)) return y;
    if (segmentPrefixMatches(y.value, x.value)) return x;
    return EMPTY;
  }
  return UNKNOWN;
}

function intersectValue(a: ValueMatchIR, b: ValueMatchIR): Outcome<ValueMatchIR> {
  if (a.kind === "present") return b;
  if (b.kind === "present" || (a.kind === b.kind && a.value === b.value)) return a;
  const [x, y] = a.kind <= b.kind ? [a, b] : [b, a]; // exact < prefix < regex
  if (x.kind === "exact" && y.kind === "exact") return EMPTY;
  if (x.kind === "exact" && y.kind === "prefix") return x.value.startsWith(y.value) ? x : EMPTY;
  if (x.kind === "exact" && y.kind === "regex") return fromTest(regexAccepts(y.value, x.value), x) as Outcome<ValueMatchIR>;
  if (x.kind === "prefix" && y.kind === "prefix") {
    if (x.value.startsWith(y.value)) return x;
    if (y.value.startsWith(x.value)) return y;
    return EMPTY;
  }
  return UNKNOWN;
}

function intersectNamed(a: readonly NamedMatch[], b: readonly NamedMatch[]): Outcome<NamedMatch[]> {
  const merged = new Map<string, ValueMatchIR>(a.map((m) => [m.name, m.match]));
  for (const { name, match } of b) {
    const mine = merged.get(name);
    if (!mine) { merged.set(name, match); continue; }
    const both = intersectValue(mine, match);
    if (both === EMPTY || both === UNKNOWN) return both;
    merged.set(name, both);
  }
  return [...merged].map(([name, match]) => ({ name, match })).sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
}

export function intersectAtoms(a: Atom, b: Atom): Outcome<Atom> {
  if (a.method && b.method && a.method !== b.method) return EMPTY;
  const outcomes = [intersectPath(a.path, b.path), intersectNamed(a.headers, b.headers), intersectNamed(a.query, b.query)];
  if (outcomes.includes(EMPTY)) return EMPTY;
  if (outcomes.includes(UNKNOWN)) return UNKNOWN;
  const [path, headers, query] = outcomes as [StringMatchIR | undefined, NamedMatch[], NamedMatch[]];
  const method = a.method ?? b.method;
  return { ...(path && { path }), ...(method && { method }), headers, query };
}

/** Equal atoms have equal keys (atoms are built with their fields in one order). */
export function atomKey(a: Atom): string {
  return JSON.stringify([a.path, a.method, a.headers, a.query]);
}
