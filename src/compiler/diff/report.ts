// ImpactReport: what a policy change does to traffic, as plain data. The differ builds it from two
// MeshIRs; renderers (src/gitops/render) turn it into text, markdown or JSON, and the PR bot posts it.
// The JSON form is documented in docs/gitops.md: change it only with a new schemaVersion.
import type { Diagnostic, SourceLocation } from "../diagnostics/diagnostic.ts";

export type RiskCode =
  | "authz-widened"
  | "mtls-weakened"
  | "non-idempotent-retry"
  | "no-endpoints"
  | "unreachable-route"
  | "emit-unsupported";

export interface Risk {
  code: RiskCode;
  service: string;
  route?: string;
  message: string;
  /** Where in head's policies the risky declaration is. */
  location?: SourceLocation;
}

export type ChangeKind =
  | "service-added" | "service-removed"
  | "route-added" | "route-removed" | "route-moved" | "match"
  | "split" | "timeout" | "retries" | "fault" | "mirror" | "headers"
  | "mtls" | "load-balancer" | "versions" | "connection-limits" | "outlier-detection"
  | "authorization" | "rollout" | "port";

export interface Change {
  kind: ChangeKind;
  route?: string;
  /** One line a reviewer reads: "timeout 2s → 5s (worst case 2s → 5s)". */
  summary: string;
  location?: SourceLocation;
}

/** One line of a route table, in the order the routes are tried. */
export interface RouteRow {
  index: number;
  name: string;
  /** The matches, written out ("GET /cart*; header x-canary = always"); "every request" for a catch-all. */
  match: string;
  /** "v1 90% · v2 10%" */
  to: string;
  timeout: string;
  retries: string;
  /** Upper bound of the time a caller can wait, or "unbounded". */
  worstCase: string;
  extras: string[];
  status: "unchanged" | "added" | "removed" | "changed" | "moved";
}

export interface ServiceImpact {
  id: string;
  status: "added" | "removed" | "changed";
  changes: Change[];
  /** Head's route table plus removed routes (for a removed service: base's). */
  routes: RouteRow[];
  location?: SourceLocation;
}

export type AccessLevel = "all" | "some" | "none";

export interface AuthzCell {
  /** A service id, or "(plaintext)" for a client outside the mesh. */
  caller: string;
  service: string;
  before?: { level: AccessLevel; detail: string };
  after?: { level: AccessLevel; detail: string };
  changed: boolean;
  /** For a changed cell: does head let the caller do more, less, or some of each? */
  effect?: "widened" | "narrowed" | "mixed";
}

export interface AuthzMatrix {
  callers: string[];
  services: string[];
  cells: AuthzCell[];
}

export interface EdgeRate {
  caller: string;
  rps: number;
}

export interface BlastRadiusEntry {
  service: string;
  /** Services that may call it by head's (or, if removed, base's) policy. */
  callers: string[];
  /** No allow rules: any workload in the mesh (and, if permissive, outside it) may call it. */
  anyCaller: boolean;
  /** Live figures when the control plane was reached. */
  live?: { totalRps: number; edges: EdgeRate[]; shifts: string[] };
}

export interface ReplayExample {
  request: Record<string, unknown>;
  before: string;
  after: string;
}

export interface ReplayResult {
  samples: number;
  changedDestination: number;
  changedAuthorization: number;
  /** Lines that were not a request; counted, never fatal. */
  unreadable: number;
  examples: ReplayExample[];
}

export interface SideReport {
  /** "origin/main", "working tree", … */
  ref: string;
  commit?: string;
  compiled: boolean;
  diagnostics: Diagnostic[];
}

export interface ImpactReport {
  schemaVersion: 1;
  /** "no-change" | "change"; "error" when either side does not compile (no diff then). */
  verdict: "no-change" | "change" | "error";
  headline: string;
  /** The policies directory relative to the repository root, so annotations can name repository paths. */
  policiesPath: string;
  base: SideReport;
  head: SideReport;
  counts: {
    servicesAdded: number; servicesRemoved: number; servicesChanged: number;
    routesAdded: number; routesRemoved: number; routesChanged: number;
  };
  risks: Risk[];
  mesh: Change[];
  services: ServiceImpact[];
  authz: AuthzMatrix;
  blastRadius: BlastRadiusEntry[];
  liveTraffic: { source?: string; status: "not-requested" | "ok" | "unreachable"; error?: string };
  emitLimits: Risk[];
  replay?: ReplayResult;
}
