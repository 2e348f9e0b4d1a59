// Which of two matches wins when both hold. Gateway API (the spec, and implementations that follow it):
// an Exact path, then the longest PathPrefix, then a method match, then the most header matches, then
// the most query-parameter matches — a RegularExpression path ranks where the implementation likes.
// Linkerd (linkerd2-proxy's http-route crate) ranks paths by matched length instead: an Exact or
// RegularExpression match counts the whole request path, a PathPrefix its own length (trailing "/"
// trimmed, "/" counts 1). A tie goes to the earlier rule, and between resources to the older one.
import type { StringMatchIR } from "../../../ir/schema.ts";
import { regexAccepts } from "../shared/regex.ts";
import type { Atom } from "./atoms.ts";

export type PrecedenceModel = "gateway-api" | "linkerd";

/** How a's path ranks against b's over every request both match: ge/le mean "and equal for some". */
export type PathOrder = "gt" | "lt" | "eq" | "ge" | "le" | "unknown";

const flip: Record<PathOrder, PathOrder> = { gt: "lt", lt: "gt", eq: "eq", ge: "le", le: "ge", unknown: "unknown" };

function sign(n: number): PathOrder {
  return n > 0 ? "gt" : n < 0 ? "lt" : "eq";
}

function gatewayRank(path: StringMatchIR | undefined): [number, number] | undefined {
  if (!path) return [1, 1]; // PathPrefix "/"
  if (path.kind === "exact") return [2, 0];
  if (path.kind === "prefix") return [1, path.value.length];
  return undefined;
}

function gatewayPaths(a: StringMatchIR | undefined, b: StringMatchIR | undefined): PathOrder {
  const ra = gatewayRank(a);
  const rb = gatewayRank(b);
  if (ra && rb) return sign(ra[0] - rb[0] || ra[1] - rb[1]);
  return a?.kind === "regex" && b?.kind === "regex" && a.value === b.value ? "eq" : "unknown";
}

/** Linkerd's fixed match length of a prefix (or of no path). */
function prefixLength(path: StringMatchIR | undefined): number {
  if (!path || path.value === "/") return 1;
  return path.value.replace(/\/+$/, "").length;
}

function linkerdPaths(a: StringMatchIR | undefined, b: StringMatchIR | undefined): PathOrder {
  const ka = a?.kind ?? "prefix";
  const kb = b?.kind ?? "prefix";
  if (ka !== "prefix" && kb !== "prefix") return "eq"; // both count the whole request path
  if (ka === "prefix" && kb === "prefix") return sign(prefixLength(a) - prefixLength(b));
  if (ka === "prefix") return flip[linkerdPaths(b, a)];
  // a is Exact or RegularExpression, b a prefix: a counts the request path, at least b's length.
  const base = b && b.value !== "/" ? b.value.replace(/\/+$/, "") : "/";
  if (ka === "exact") return a!.value.length > prefixLength(b) ? "gt" : "eq";
  const accepts = regexAccepts(a!.value, base);
  return accepts === false ? "gt" : "ge";
}

export function comparePaths(a: Atom, b: Atom, model: PrecedenceModel): PathOrder {
  return model === "linkerd" ? linkerdPaths(a.path, b.path) : gatewayPaths(a.path, b.path);
}

function compareRest(a: Atom, b: Atom): number {
  return (Number(Boolean(a.method)) - Number(Boolean(b.method))) || (a.headers.length - b.headers.length) || (a.query.length - b.query.length);
}

/**
 * Over every request both match: >0 `a` always wins, 0 they may tie (the earlier rule wins), <0 `b`
 * wins for some, undefined when the model cannot tell.
 */
export function comparePrecedence(a: Atom, b: Atom, model: PrecedenceModel): number | undefined {
  const rest = compareRest(a, b);
  switch (comparePaths(a, b, model)) {
    case "gt": return 1;
    case "lt": return -1;
    case "eq": return Math.sign(rest);
    case "ge": return rest > 0 ? 1 : rest === 0 ? 0 : -1;
    case "le": return -1;
    case "unknown": return undefined;
  }
}
