// The mesh the control-plane benchmark serves: `services` services of two versions each, every one
// with a 90/10 split route, and authorization that lets each service be called by the next three in
// a ring, so that a proxy's view holds a few callees and their endpoints (as a real mesh's does)
// instead of the whole mesh. `v1Weight` is what one bundle change moves.
import { createBundle, type Bundle } from "../../src/compiler/emit/bundle.ts";
import type { MeshIR, ServiceIR } from "../../src/compiler/ir/schema.ts";
import { validateMeshIR } from "../../src/compiler/ir/validate.ts";

const source = { file: "bench/control-plane/bench-mesh.ts", line: 1, column: 1 };

export const serviceName = (i: number) => `svc-${String(i).padStart(3, "0")}`;

export function benchBundle(services: number, v1Weight: number): Bundle {
  const list: ServiceIR[] = [];
  for (let i = 0; i < services; i++) {
    const name = serviceName(i);
    const callers = [1, 2, 3].map((d) => `bench/${serviceName((i + d) % services)}`);
    list.push({
      id: `bench/${name}`, name, namespace: "bench", port: 8080, identity: `spiffe://bench.local/ns/bench/sa/${name}`,
      mtls: "permissive", loadBalancer: "round-robin",
      versions: [{ name: "v1", labels: { version: "v1" } }, { name: "v2", labels: { version: "v2" } }],
      routes: [{
        name: "default", matches: [], timeoutMs: 2000, source,
        destinations: [{ version: "v1", weight: v1Weight }, { version: "v2", weight: 100 - v1Weight }],
      }],
      authorization: { allow: [{ from: callers, source }], deny: [] },
      source,
    });
  }
  const ir: MeshIR = { apiVersion: "typemesh.dev/v1", mesh: { trustDomain: "bench.local", mtls: "permissive" }, services: list };
  const problems = validateMeshIR(ir);
  if (problems.length > 0) throw new Error(`the bench mesh is not valid IR: ${problems.slice(0, 3).join("; ")}`);
  return createBundle(ir);
}
