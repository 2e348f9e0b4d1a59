// A small hand-built MeshIR for the differ's unit tests: no compile needed, every field explicit.
import type { MeshIR, RouteIR, ServiceIR } from "../ir/schema.ts";

export const at = (line: number) => ({ file: "mesh.policy.ts", line, column: 1 });

export function route(name: string, extra: Partial<RouteIR> = {}): RouteIR {
  return { name, matches: [], destinations: [{ version: "v1", weight: 100 }], source: at(10), ...extra };
}

export function service(name: string, extra: Partial<ServiceIR> = {}): ServiceIR {
  return {
    id: `shop/${name}`, name, namespace: "shop", port: 8080, identity: `spiffe://t/ns/shop/sa/${name}`, mtls: "strict", loadBalancer: "round-robin",
    versions: [{ name: "v1", labels: {} }, { name: "v2", labels: {} }], routes: [route("default")],
    authorization: { allow: [], deny: [] }, source: at(1), ...extra,
  };
}

export function mesh(...services: ServiceIR[]): MeshIR {
  return { apiVersion: "typemesh.dev/v1", mesh: { trustDomain: "t", mtls: "strict" }, services };
}
