// Workload identity as SPIFFE IDs: spiffe://<trust-domain>/ns/<namespace>/sa/<service> (DESIGN.md), and
// the mapping back to the service ids ("namespace/name") that authorization rules name.
import type { X509Certificate } from "node:crypto";

const SPIFFE = /^spiffe:\/\/([a-z0-9.\-_]+)\/ns\/([^/\s]+)\/sa\/([^/\s]+)$/;

export interface SpiffeId {
  uri: string;
  trustDomain: string;
  namespace: string;
  service: string;
  /** "namespace/name", as authorization rules name callers. */
  serviceId: string;
}

export function parseSpiffeId(uri: string): SpiffeId | undefined {
  const match = SPIFFE.exec(uri);
  if (!match) return undefined;
  const [, trustDomain, namespace, service] = match as unknown as [string, string, string, string];
  return { uri, trustDomain, namespace, service, serviceId: `${namespace}/${service}` };
}

/** The SPIFFE ID of a service id ("namespace/name") in a trust domain. */
export function spiffeIdOf(trustDomain: string, serviceId: string): string | undefined {
  const [namespace, name, extra] = serviceId.split("/");
  if (!namespace || !name || extra !== undefined) return undefined;
  return `spiffe://${trustDomain}/ns/${namespace}/sa/${name}`;
}

/** URI SANs of a subjectAltName string as node:tls and X509Certificate give it ("URI:a, DNS:b"). */
export function uriSans(subjectAltName: string | undefined): string[] {
  if (!subjectAltName) return [];
  return subjectAltName.split(/,\s*/).filter((entry) => entry.startsWith("URI:")).map((entry) => entry.slice(4));
}

/** The one SPIFFE ID a workload certificate carries, or undefined if it has none or several. */
export function spiffeIdOfCertificate(cert: Pick<X509Certificate, "subjectAltName">): SpiffeId | undefined {
  const ids = uriSans(cert.subjectAltName).filter((uri) => uri.startsWith("spiffe://"));
  return ids.length === 1 ? parseSpiffeId(ids[0]!) : undefined;
}
