// Consistency of a MeshIR that did not come straight from the compiler (a bundle file, the admin API):
// every route target, mirror and caller names something that exists, and splits sum to 100. The
// control plane refuses an inconsistent bundle before anything is pushed.
import type { MeshIR } from "./schema.ts";

export function consistencyProblems(ir: MeshIR): string[] {
  const problems: string[] = [];
  const services = new Map(ir.services.map((s) => [s.id, new Set(s.versions.map((v) => v.name))]));
  const seen = new Set<string>();
  for (const service of ir.services) {
    if (seen.has(service.id)) problems.push(`service ${service.id} appears twice`);
    seen.add(service.id);
    const versions = services.get(service.id)!;
    for (const route of service.routes) {
      const where = `${service.id} route ${route.name}`;
      for (const d of route.destinations) {
        if (!versions.has(d.version)) problems.push(`${where} sends to unknown version ${d.version}`);
      }
      const sum = route.destinations.reduce((total, d) => total + Math.round(d.weight * 1000), 0) / 1000;
      if (sum !== 100) problems.push(`${where} has weights summing to ${sum}, not 100`);
      if (route.mirror) {
        const target = services.get(route.mirror.service);
        if (!target) problems.push(`${where} mirrors to unknown service ${route.mirror.service}`);
        else if (route.mirror.version && !target.has(route.mirror.version)) {
          problems.push(`${where} mirrors to unknown version ${route.mirror.service} ${route.mirror.version}`);
        }
      }
      for (const match of route.matches) {
        for (const m of [match.path, ...match.headers.map((h) => h.match), ...match.query.map((q) => q.match)]) {
          if (m?.kind !== "regex") continue;
          try { new RegExp(m.value); } catch { problems.push(`${where} has an invalid regex ${m.value}`); }
        }
      }
    }
    for (const action of ["allow", "deny"] as const) {
      for (const rule of service.authorization[action]) {
        for (const caller of rule.from ?? []) {
          if (!services.has(caller)) problems.push(`${service.id} ${action} rule names unknown service ${caller}`);
        }
      }
    }
  }
  return problems;
}
