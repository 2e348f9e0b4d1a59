// Regular expressions cross from typemesh (whole-value match, the proxies' JavaScript engine) to the
// targets' engines: RE2 in Envoy (Istio, most GAMMA implementations) and Rust's regex crate in Linkerd.
// Neither has look-around or back-references.

const NOT_IN_RE2: [RegExp, string][] = [
  [/\(\?<?[=!]/, "look-around"],
  [/\\[1-9]|\\k</, "back-references"],
];

/** Why the expression will not compile on an RE2-family engine, or undefined when it should. */
export function re2Incompatibility(source: string): string | undefined {
  for (const [pattern, what] of NOT_IN_RE2) if (pattern.test(source)) return what;
  return undefined;
}

export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Anchors an expression so it must match the whole value, as typemesh's proxies do, on engines that
 * may search instead (Gateway API leaves that to the implementation). Already anchored ones are kept.
 */
export function anchored(source: string): string {
  if (source.startsWith("^") && source.endsWith("$") && !source.endsWith("\\$") && !source.includes("|")) return source;
  return `^(?:${source})$`;
}

/** Does an exact value satisfy an expression (whole-value semantics)? Used to intersect matches. */
export function regexAccepts(source: string, value: string): boolean | undefined {
  try {
    return new RegExp(`^(?:${source})$`).test(value);
  } catch {
    return undefined;
  }
}
