// Reads a bundle from untrusted bytes: JSON, the envelope, the IR schema, the version (it must be the
// content hash, so a hand-edited bundle cannot pass as another version), and consistency.
import { bundleVersion, type Bundle } from "../emit/bundle.ts";
import { consistencyProblems } from "./consistency.ts";
import type { MeshIR } from "./schema.ts";
import { validateMeshIR } from "./validate.ts";

export type BundleReading = { bundle: Bundle; problems?: undefined } | { bundle?: undefined; problems: string[] };

export function readBundle(text: string): BundleReading {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { problems: [`not JSON: ${(error as Error).message}`] };
  }
  if (!value || typeof value !== "object") return { problems: ["a bundle is a JSON object"] };
  const envelope = value as Partial<Bundle>;
  if (envelope.apiVersion !== "typemesh.dev/v1" || envelope.kind !== "Bundle") {
    return { problems: [`not a typemesh bundle (apiVersion ${JSON.stringify(envelope.apiVersion)}, kind ${JSON.stringify(envelope.kind)})`] };
  }
  const schema = validateMeshIR(envelope.ir);
  if (schema.length > 0) return { problems: schema.map((p) => `ir${p === "/" ? "" : p.split(" ")[0]} ${p.split(" ").slice(1).join(" ")}`) };
  const ir = envelope.ir as MeshIR;
  const expected = bundleVersion(ir);
  if (envelope.version !== expected) {
    return { problems: [`version ${JSON.stringify(envelope.version)} does not match the content (expected ${expected}); bundles are not edited by hand`] };
  }
  const problems = consistencyProblems(ir);
  if (problems.length > 0) return { problems };
  return { bundle: { apiVersion: "typemesh.dev/v1", kind: "Bundle", version: expected, ir } };
}
