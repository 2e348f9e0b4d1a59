// Builds the view one workload needs from a bundle and the endpoint registry. Views depend only on
// (service, version), so all replicas of a workload share one view object and one hash.
import type { MeshIR, ServiceIR } from "../../compiler/ir/schema.ts";
import { contentHash } from "../../compiler/ir/canonical-json.ts";
import { findService } from "../../compiler/simulate/simulate.ts";
import type { Endpoint, ProxyView } from "../protocol/messages.ts";

/** A caller whose every request the service's authorization refuses, whatever the method or path. */
export function refusesEntirely(target: ServiceIR, callerId: string | undefined): boolean {
  const names = (from?: string[]) => from === undefined || (callerId !== undefined && from.includes(callerId));
  const unconditionalDeny = target.authorization.deny.some((r) => !r.methods && !r.paths && names(r.from));
  const allows = target.authorization.allow;
  return unconditionalDeny || (allows.length > 0 && !allows.some((r) => names(r.from)));
}

export function buildProxyView(
  bundle: { version: string; ir: MeshIR },
  self: { service: string; version: string },
  endpointsOf: (serviceId: string) => Endpoint[],
): ProxyView {
  const { ir } = bundle;
  const inbound = findService(ir, self.service);
  const callerId = inbound?.id;
  const outbound: ServiceIR[] = [];
  const denied: string[] = [];
  for (const service of ir.services) {
    if (refusesEntirely(service, callerId)) denied.push(service.id);
    else outbound.push(service);
  }
  const needed = new Set(outbound.map((s) => s.id));
  for (const service of outbound) for (const route of service.routes) if (route.mirror) needed.add(route.mirror.service);
  const endpoints: Record<string, Endpoint[]> = {};
  for (const id of [...needed].sort()) endpoints[id] = endpointsOf(id);
  return {
    bundleVersion: bundle.version,
    trustDomain: ir.mesh.trustDomain,
    self: { service: inbound?.id ?? self.service, version: self.version },
    ...(inbound && { inbound }),
    outbound,
    denied,
    endpoints,
  };
}

export function viewVersion(view: ProxyView): string {
  return contentHash(view).slice(0, 16);
}
