// Small MeshIR builders for runtime tests: a service with versions and routes, everything else at
// the defaults the compiler would write. Services live in the namespace "test"; authorization allows
// everyone; mTLS is permissive so the tests do not depend on certificates.
import type { MeshIR, RetryIR, RouteIR, ServiceIR } from "../../../src/compiler/ir/schema.ts";

const here = { file: "test/runtime/support/mesh-ir.ts", line: 1, column: 1 };

export function retries(attempts: number, options: Partial<Omit<RetryIR, "attempts">> = {}): RetryIR {
  return {
    attempts, retryOn: ["5xx"], retryOnStatus: [], backoff: { baseMs: 5, maxMs: 50 }, retryNonIdempotent: false, ...options,
  };
}

export function route(name: string, options: Partial<Omit<RouteIR, "name" | "source">> = {}): RouteIR {
  return { name, matches: [], destinations: [{ version: "v1", weight: 100 }], ...options, source: here };
}

export function service(name: string, options: Partial<Omit<ServiceIR, "id" | "name" | "namespace" | "identity" | "source" | "versions">> & { versions?: string[] } = {}): ServiceIR {
  const { versions = ["v1"], ...rest } = options;
  return {
    id: `test/${name}`, name, namespace: "test", port: 8080, identity: `spiffe://test.local/ns/test/sa/${name}`,
    mtls: "permissive", loadBalancer: "round-robin",
    versions: versions.map((v) => ({ name: v, labels: { version: v } })),
    routes: [], authorization: { allow: [], deny: [] },
    ...rest,
    source: here,
  };
}

export function mesh(...services: ServiceIR[]): MeshIR {
  return {
    apiVersion: "typemesh.dev/v1",
    mesh: { trustDomain: "test.local", mtls: "permissive" },
    services: [...services].sort((a, b) => a.id.localeCompare(b.id)),
  };
}
