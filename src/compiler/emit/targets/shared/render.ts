// Resources → files: one YAML document per file, keys in a fixed order (apiVersion, kind, metadata,
// spec, then alphabetical below), YAML 1.1 quoting so that values like "yes" or "012" stay strings for
// kubectl's YAML 1.1 parser, and a kustomization.yaml listing every file. Same input, same bytes.
import { stringify } from "yaml";
import type { EmittedFile } from "../target.ts";
import type { Resource } from "./resource.ts";

const TOP_LEVEL = ["apiVersion", "kind", "metadata", "spec"];

/** A copy with keys sorted (code-unit order) and undefined values left out; shares nothing with the input. */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeys(v);
    }
    return out;
  }
  return value;
}

export function toYaml(value: Record<string, unknown>): string {
  const ordered: Record<string, unknown> = {};
  for (const key of TOP_LEVEL) if (key in value) ordered[key] = sortKeys(value[key]);
  const rest = sortKeys(Object.fromEntries(Object.entries(value).filter(([k]) => !TOP_LEVEL.includes(k)))) as object;
  // Nothing is shared after sortKeys, and anchors/aliases would only puzzle reviewers: don't look for them.
  return stringify({ ...ordered, ...rest }, { version: "1.1", lineWidth: 0, aliasDuplicateObjects: false });
}

/** `<namespace>/<name>.<kind>.yaml`: a service's resources sort together in a directory listing. */
export function resourcePath(r: Resource): string {
  return `${r.metadata.namespace}/${r.metadata.name}.${r.kind.toLowerCase()}.yaml`;
}

export function renderResources(resources: readonly Resource[]): EmittedFile[] {
  const files = new Map<string, string>();
  for (const r of resources) {
    const path = resourcePath(r);
    // Two resources on one path would silently overwrite each other: a bug in an emitter, not user input.
    if (files.has(path)) throw new Error(`internal error: two resources render to ${path}`);
    files.set(path, toYaml(r as unknown as Record<string, unknown>));
  }
  const paths = [...files.keys()].sort();
  const kustomization = toYaml({ apiVersion: "kustomize.config.k8s.io/v1beta1", kind: "Kustomization", resources: paths });
  return [
    ...paths.map((path) => ({ path, content: files.get(path)! })),
    { path: "kustomization.yaml", content: kustomization },
  ].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
