// Kubernetes names derived from policy names. Stable: the same policy always gives the same names, so
// a GitOps engine updates resources in place instead of deleting and recreating them.
import { createHash } from "node:crypto";
import type { ServiceIR } from "../../../ir/schema.ts";

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

export function isDnsLabel(name: string): boolean {
  return DNS_LABEL.test(name);
}

/** A DNS label from any text: lower-cased, other characters to dashes; too long → cut plus a hash. */
export function dnsLabel(text: string, max = 63): string {
  const cleaned = text.toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/^-+|-+$/g, "") || "x";
  if (cleaned.length <= max) return cleaned;
  const hash = createHash("sha256").update(text).digest("hex").slice(0, 8);
  return `${cleaned.slice(0, max - 9).replace(/-+$/, "")}-${hash}`;
}

/** Names each item once; a repeated name gets -2, -3… in first-seen order. */
export function uniqueNames(names: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return names.map((name) => {
    const n = (seen.get(name) ?? 0) + 1;
    seen.set(name, n);
    return n === 1 ? name : dnsLabel(`${name}-${n}`);
  });
}

export function serviceHost(service: Pick<ServiceIR, "name" | "namespace">, clusterDomain: string): string {
  return `${service.name}.${service.namespace}.svc.${clusterDomain}`;
}

/**
 * The per-version Service that Gateway API and Linkerd routes send to: `<service>-<version>`, in the
 * service's namespace, on the service's port, selecting the version's pods. typemesh does not emit these
 * Services (they belong with the workloads, like the service itself); they must exist under this name.
 */
export function versionServiceName(service: Pick<ServiceIR, "name">, version: string): string {
  return `${service.name}-${version}`;
}

/** The SPIFFE ID without its scheme, as Istio writes principals: `<trust-domain>/ns/<ns>/sa/<name>`. */
export function principalOf(identity: string): string {
  return identity.replace(/^spiffe:\/\//, "");
}

/** Pods of a service, by Istio's `app` label convention (the IR's version labels add `version`). */
export function workloadSelector(service: Pick<ServiceIR, "name">): Record<string, string> {
  return { app: service.name };
}
