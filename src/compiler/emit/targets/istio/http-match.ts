// IR matches → Istio HTTPMatchRequests. Istio matches one method per entry, so a match listing several
// methods becomes several entries (entries are OR-ed). Presence becomes the regex ".*" because an empty
// StringMatch means different things across Istio versions; query prefixes (which Istio does not
// support) become regexes. Istio regexes already match the whole value, as typemesh's do.
import type { MatchIR, StringMatchIR, ValueMatchIR } from "../../../ir/schema.ts";
import { escapeRegex } from "../shared/regex.ts";

type IstioStringMatch = { exact: string } | { prefix: string } | { regex: string };

function stringMatch(match: StringMatchIR): IstioStringMatch {
  switch (match.kind) {
    case "exact": return { exact: match.value };
    case "prefix": return { prefix: match.value };
    case "regex": return { regex: match.value };
  }
}

function valueMatch(match: ValueMatchIR, prefixSupported: boolean): IstioStringMatch {
  if (match.kind === "present") return { regex: ".*" };
  if (match.kind === "prefix" && !prefixSupported) return { regex: `${escapeRegex(match.value)}.*` };
  return stringMatch(match as StringMatchIR);
}

function named(list: MatchIR["headers"], prefixSupported: boolean): Record<string, IstioStringMatch> | undefined {
  if (list.length === 0) return undefined;
  return Object.fromEntries(list.map(({ name, match }) => [name, valueMatch(match, prefixSupported)]));
}

export function istioMatches(matches: readonly MatchIR[]): Record<string, unknown>[] | undefined {
  if (matches.length === 0) return undefined;
  return matches.flatMap((match) => {
    const common = {
      ...(match.path && { uri: stringMatch(match.path) }),
      ...(match.headers.length > 0 && { headers: named(match.headers, true) }),
      ...(match.query.length > 0 && { queryParams: named(match.query, false) }),
    };
    return match.methods ? match.methods.map((method) => ({ ...common, method: { exact: method } })) : [common];
  });
}
