// A bank of requests built from a service's own matches: every path, header and query condition the
// routes mention, satisfied or not, in combination with the common methods. Prefix paths are sampled
// below a segment boundary, where typemesh and PathPrefix agree (TM3006 covers the rest).
import type { MatchIR, ServiceIR, ValueMatchIR } from "../../../src/compiler/ir/schema.ts";
import type { RequestFacts } from "../../../src/compiler/simulate/match-request.ts";

/** Sample values for expressions used in the cases (a regex has no general sample generator here). */
export const REGEX_SAMPLES: Record<string, string> = {
  "^[\\w -]{1,64}$": "red shoes",
  "^/refunds/[0-9]+$": "/refunds/42",
  "^[0-9a-f-]{8,64}$": "0123abcd-ef",
};

function satisfying(match: ValueMatchIR | { kind: string; value: string }): string | undefined {
  switch (match.kind) {
    case "exact": return match.value;
    case "prefix": return `${match.value}${match.value.endsWith("/") ? "" : "/"}x`;
    case "present": return "1";
    case "regex": return REGEX_SAMPLES[match.value];
  }
  return undefined;
}

function subsets<T>(items: readonly T[]): T[][] {
  return items.reduce<T[][]>((all, item) => [...all, ...all.map((s) => [...s, item])], [[]]);
}

export function requestBank(service: ServiceIR, extraPaths: string[] = []): RequestFacts[] {
  const matches: MatchIR[] = service.routes.flatMap((r) => r.matches);
  const paths = new Set(["/", "/other/page", ...extraPaths]);
  for (const m of matches) {
    const p = m.path && satisfying(m.path);
    if (p) paths.add(p);
  }
  const headers = new Map<string, string>();
  const query = new Map<string, string>();
  for (const m of matches) {
    for (const h of m.headers) { const v = satisfying(h.match); if (v !== undefined && !headers.has(h.name)) headers.set(h.name, v); }
    for (const q of m.query) { const v = satisfying(q.match); if (v !== undefined && !query.has(q.name)) query.set(q.name, v); }
  }
  const out: RequestFacts[] = [];
  for (const path of paths) {
    for (const method of ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH"]) {
      for (const hs of subsets([...headers])) {
        for (const qs of subsets([...query])) {
          out.push({ method, path, headers: Object.fromEntries(hs), query: Object.fromEntries(qs) });
        }
      }
    }
  }
  return out;
}

export function describe(r: RequestFacts): string {
  return `${r.method} ${r.path} headers=${JSON.stringify(r.headers)} query=${JSON.stringify(r.query)}`;
}
