// Fault injection before → after: a delay or abort reaching real users is rarely intended.
import type { RouteIR } from "../ir/schema.ts";
import { describeFault } from "./describe.ts";
import type { Change } from "./report.ts";

export function diffFault(before: RouteIR, after: RouteIR): Change[] {
  const b = describeFault(before.fault), a = describeFault(after.fault);
  return b === a ? [] : [{ kind: "fault", route: after.name, location: after.source, summary: `fault ${b} → ${a}` }];
}
