// The synthetic mesh's shape: which services exist (name, namespace, versions, file) and who may call
// whom. Callers are mostly "upstream" (later in the list, like frontends calling backends) with some
// calls back, so the import graph has cycles like a real mesh; a reference that closes a cycle must be
// the lazy `() => other` form, or a module would read another's export before it was evaluated.
import type { Random } from "./generate.ts";

export interface Service {
  name: string;
  namespace: string;
  /** The exported identifier. */
  id: string;
  /** Path of its module, relative to the repository, with "/". */
  file: string;
  port: number;
  versions: string[];
  /** The path segment its API lives under. */
  resource: string;
}

export interface Caller {
  service: Service;
  /** Referenced as `() => caller`: the caller's module imports this one, directly or not. */
  lazy: boolean;
}

const TEAMS: Record<string, readonly string[]> = {
  storefront: ["web", "search", "recommendations", "reviews"],
  commerce: ["cart", "checkout", "orders", "pricing", "promotions"],
  payments: ["payments", "refunds", "fraud", "ledger"],
  fulfilment: ["inventory", "shipping", "warehouse", "returns"],
  identity: ["accounts", "sessions", "profiles", "consent"],
  platform: ["notifications", "audit", "features", "media"],
};
const DOMAINS = Object.entries(TEAMS).flatMap(([namespace, domains]) => domains.map((domain) => ({ namespace, domain })));

function describe(i: number, random: Random): Service {
  const { namespace, domain } = DOMAINS[i % DOMAINS.length]!;
  const suffix = String(i).padStart(4, "0");
  const name = `${domain}-${suffix}`;
  const versionCount = i === 0 ? 2 : random.pick([1, 2, 2, 2, 3]);
  return {
    name, namespace,
    id: `${domain}${suffix}`,
    file: `${namespace}/${name}.policy.ts`,
    port: random.pick([8080, 8080, 8443, 9090]),
    versions: ["v1", "v2", "v3"].slice(0, versionCount),
    resource: domain,
  };
}

/** Strongly connected components of the import graph (iterative Tarjan); returns each node's component. */
function components(edges: readonly number[][]): number[] {
  const n = edges.length;
  const index = new Array<number>(n).fill(-1);
  const low = new Array<number>(n).fill(0);
  const component = new Array<number>(n).fill(-1);
  const onStack = new Array<boolean>(n).fill(false);
  const stack: number[] = [];
  let counter = 0;
  let found = 0;
  for (let start = 0; start < n; start++) {
    if (index[start] !== -1) continue;
    const work: [number, number][] = [[start, 0]];
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const [v, next] = frame;
      if (next === 0) {
        index[v] = low[v] = counter++;
        stack.push(v);
        onStack[v] = true;
      }
      if (next < edges[v]!.length) {
        frame[1]++;
        const w = edges[v]![next]!;
        if (index[w] === -1) work.push([w, 0]);
        else if (onStack[w]) low[v] = Math.min(low[v]!, index[w]!);
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1]![0];
        low[parent] = Math.min(low[parent]!, low[v]!);
      }
      if (low[v] === index[v]) {
        let w: number;
        do {
          w = stack.pop()!;
          onStack[w] = false;
          component[w] = found;
        } while (w !== v);
        found++;
      }
    }
  }
  return component;
}

export function callerGraph(count: number, random: Random): { services: Service[]; callers: Caller[][] } {
  const services = Array.from({ length: count }, (_, i) => describe(i, random));
  // imports[i]: the services i's authorization names (its module imports theirs).
  const imports = services.map((_, i) => {
    const wanted = Math.min(random.int(1, 4), count - 1);
    const chosen = new Set<number>();
    while (chosen.size < wanted) {
      const upstream = i + 1 < count && (random.chance(0.85) || i === 0);
      const j = upstream ? random.int(i + 1, Math.min(count - 1, i + 150)) : random.int(Math.max(0, i - 150), Math.max(0, i - 1));
      if (j !== i) chosen.add(j);
    }
    return [...chosen].sort((a, b) => a - b);
  });
  const component = components(imports);
  const callers = imports.map((js, i) =>
    js.map((j) => ({ service: services[j]!, lazy: component[i] === component[j] })));
  return { services, callers };
}
