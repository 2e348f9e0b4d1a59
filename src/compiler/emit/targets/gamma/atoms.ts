// Gateway API (and Linkerd's HTTPRoute, which copies it) matches one method per match, so an IR match is
// split into "atoms": one path, at most one method, its headers and query parameters. Atoms are what the
// ordering pass reasons about and what is finally written as an HTTPRouteMatch.
import type { HttpMethodIR, MatchIR, RouteIR, StringMatchIR, ValueMatchIR } from "../../../ir/schema.ts";
import { anchored, escapeRegex } from "../shared/regex.ts";

export interface NamedMatch { name: string; match: ValueMatchIR }

export interface Atom {
  /** Undefined means any path (Gateway API's default PathPrefix "/"). */
  path?: StringMatchIR;
  method?: HttpMethodIR;
  /** Sorted by name, names unique. */
  headers: NamedMatch[];
  query: NamedMatch[];
}

function normalPath(path: StringMatchIR | undefined): StringMatchIR | undefined {
  return path && path.kind === "prefix" && path.value === "/" ? undefined : path;
}

export function atomsOfMatch(match: MatchIR): Atom[] {
  const methods: (HttpMethodIR | undefined)[] = match.methods ?? [undefined];
  const path = normalPath(match.path);
  return methods.map((method) => ({
    ...(path && { path }),
    ...(method && { method }),
    headers: match.headers,
    query: match.query,
  }));
}

export function atomsOfRoute(route: RouteIR): Atom[] {
  return route.matches.length === 0 ? [{ headers: [], query: [] }] : route.matches.flatMap(atomsOfMatch);
}

/** Gateway API has Exact and RegularExpression for values: prefix and presence become expressions. */
function valueMatch(name: string, match: ValueMatchIR): { name: string; type: "Exact" | "RegularExpression"; value: string } {
  switch (match.kind) {
    case "exact": return { name, type: "Exact", value: match.value };
    case "prefix": return { name, type: "RegularExpression", value: `^${escapeRegex(match.value)}.*$` };
    case "regex": return { name, type: "RegularExpression", value: anchored(match.value) };
    case "present": return { name, type: "RegularExpression", value: ".*" };
  }
}

function pathMatch(path: StringMatchIR | undefined): { type: string; value: string } {
  if (!path) return { type: "PathPrefix", value: "/" };
  switch (path.kind) {
    case "exact": return { type: "Exact", value: path.value };
    case "prefix": return { type: "PathPrefix", value: path.value };
    case "regex": return { type: "RegularExpression", value: anchored(path.value) };
  }
}

/** The HTTPRouteMatch object; the default path is written out so the live object equals the file. */
export function httpRouteMatch(atom: Atom): Record<string, unknown> {
  return {
    path: pathMatch(atom.path),
    ...(atom.method && { method: atom.method }),
    ...(atom.headers.length > 0 && { headers: atom.headers.map((h) => valueMatch(h.name, h.match)) }),
    ...(atom.query.length > 0 && { queryParams: atom.query.map((q) => valueMatch(q.name, q.match)) }),
  };
}
