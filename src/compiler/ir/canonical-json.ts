// Canonical JSON: object keys sorted, no insignificant whitespace variance, a final newline. The same
// value always gives the same bytes, so bundle versions are content hashes and GitOps diffs are real.
import { createHash } from "node:crypto";

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.keys(value).sort().map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

export function canonicalJson(value: unknown, indent = 2): string {
  return `${JSON.stringify(sortKeys(value), null, indent)}\n`;
}

export function contentHash(value: unknown): string {
  return createHash("sha256").update(canonicalJson(value, 0)).digest("hex");
}
