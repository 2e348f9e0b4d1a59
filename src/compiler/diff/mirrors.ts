// Mirrors and header changes before → after: a new mirror doubles load on its target and sends it
// copies of real requests (with their data), so it is called out on its own.
import type { RouteIR } from "../ir/schema.ts";
import { describeHeaders, describeMirror } from "./describe.ts";
import type { Change } from "./report.ts";

export function diffMirror(before: RouteIR, after: RouteIR): Change[] {
  const changes: Change[] = [];
  const b = describeMirror(before.mirror), a = describeMirror(after.mirror);
  if (b !== a) changes.push({ kind: "mirror", route: after.name, location: after.source, summary: `mirror ${b} → ${a}` });
  const hb = describeHeaders(before), ha = describeHeaders(after);
  if (hb !== ha) changes.push({ kind: "headers", route: after.name, location: after.source, summary: `header changes ${hb} → ${ha}` });
  return changes;
}
