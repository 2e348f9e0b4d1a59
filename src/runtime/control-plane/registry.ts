// The endpoint registry: every connected proxy registers its workload (service, version, inbound
// address). Endpoints are learned at run time, not from bundles. Indexed by service id under the
// current bundle, rebuilt lazily after a change.
import type { MeshIR } from "../../compiler/ir/schema.ts";
import { findService } from "../../compiler/simulate/simulate.ts";
import type { Endpoint, NodeInfo } from "../protocol/messages.ts";

export class EndpointRegistry {
  private readonly nodes = new Map<string, NodeInfo>();
  private index: Map<string, Endpoint[]> | undefined;
  private indexedFor: MeshIR | undefined;

  register(node: NodeInfo): void {
    this.nodes.set(node.id, node);
    this.index = undefined;
  }

  unregister(id: string): void {
    if (this.nodes.delete(id)) this.index = undefined;
  }

  /** Endpoints of a service id under the given bundle, sorted so views hash stably. */
  endpointsOf(ir: MeshIR | undefined, serviceId: string): Endpoint[] {
    if (!this.index || this.indexedFor !== ir) this.rebuild(ir);
    return this.index!.get(serviceId) ?? [];
  }

  private rebuild(ir: MeshIR | undefined): void {
    const index = new Map<string, Endpoint[]>();
    for (const node of this.nodes.values()) {
      const id = (ir && findService(ir, node.service)?.id) ?? node.service;
      const list = index.get(id) ?? [];
      list.push({ proxyId: node.id, version: node.version, host: node.inbound.host, port: node.inbound.port, ...(node.identity && { identity: node.identity }) });
      index.set(id, list);
    }
    for (const list of index.values()) list.sort((a, b) => a.proxyId.localeCompare(b.proxyId));
    this.index = index;
    this.indexedFor = ir;
  }
}
