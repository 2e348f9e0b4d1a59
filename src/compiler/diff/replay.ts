// Counterfactual replay: recorded requests run through base and head by the reference semantics
// (simulate), counting those whose destination or authorization decision would change.
import type { MeshIR } from "../ir/schema.ts";
import { simulate, type SimulatedOutcome, type SimulatedRequest } from "../simulate/simulate.ts";
import type { ReplayResult } from "./report.ts";

const MAX_EXAMPLES = 5;

/** Where the request ends up: a status the mesh answers with, or service, route and version(s). */
function destination(o: SimulatedOutcome): string {
  if (o.error && o.error !== "denied" && o.error !== "mtls-required") return `${o.status ?? "refused"} ${o.error}`;
  const where = o.version ?? o.destinations.map((d) => `${d.version} ${d.weight}%`).join(" · ");
  return `${o.service}${o.route ? ` route ${o.route.name}` : ""} → ${where}`;
}

const decision = (o: SimulatedOutcome) => (o.authorization ? `${o.authorization.decision} (${o.authorization.reason})` : "n/a");

/** Parses newline-delimited JSON requests; lines that are not a request with `to` are counted, not fatal. */
export function parseSamples(text: string): { requests: SimulatedRequest[]; unreadable: number } {
  const requests: SimulatedRequest[] = [];
  let unreadable = 0;
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    try {
      const value = JSON.parse(line) as SimulatedRequest;
      if (value && typeof value === "object" && typeof value.to === "string") requests.push(value);
      else unreadable++;
    } catch {
      unreadable++;
    }
  }
  return { requests, unreadable };
}

export function replay(base: MeshIR, head: MeshIR, requests: readonly SimulatedRequest[], unreadable = 0): ReplayResult {
  const result: ReplayResult = { samples: requests.length, changedDestination: 0, changedAuthorization: 0, unreadable, examples: [] };
  for (const request of requests) {
    const before = simulate(base, request), after = simulate(head, request);
    const dest = destination(before) !== destination(after);
    // Only allow ↔ deny counts; the same decision for another reason is not a change a caller sees.
    const authz = before.authorization?.decision !== after.authorization?.decision;
    if (dest) result.changedDestination++;
    if (authz) result.changedAuthorization++;
    if ((dest || authz) && result.examples.length < MAX_EXAMPLES) {
      const say = (o: SimulatedOutcome) => `${destination(o)}; ${decision(o)}`;
      result.examples.push({ request: { ...request }, before: say(before), after: say(after) });
    }
  }
  return result;
}
