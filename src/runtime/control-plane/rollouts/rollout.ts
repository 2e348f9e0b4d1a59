// A rollout's state: plain data, persisted as is. The controller moves it; overrides.ts turns it into
// weights; the API and the dashboard show it.
import type { RolloutIR } from "../../../compiler/ir/schema.ts";

export type RolloutPhase = "progressing" | "paused" | "promoted" | "rolled-back" | "aborted";

export interface GateCheck {
  at: string;
  step: number;
  weight: number;
  requests: number;
  /** Percent of non-5xx responses of the new version. */
  successRate?: number;
  p99Ms?: number;
  outcome: "passed" | "failed" | "insufficient-traffic";
  /** What failed, with the figures against the thresholds. */
  reasons: string[];
}

export interface RolloutPlan {
  service: string;
  from: string;
  to: string;
  steps: number[];
  intervalMs: number;
  gates: RolloutIR["gates"];
  failureThreshold: number;
  canaryHeader?: { name: string; value: string };
}

export interface Rollout extends RolloutPlan {
  id: string;
  phase: RolloutPhase;
  /** Index into steps of the step in force. */
  stepIndex: number;
  /** The new version's weight in force now. */
  weight: number;
  startedAt: string;
  stepStartedAt: string;
  /** When the step is judged next, if not at stepStartedAt + interval (a step held for more traffic). */
  nextCheckAt?: string;
  finishedAt?: string;
  failedChecks: number;
  checks: GateCheck[];
  /** Why it paused, rolled back or was aborted. */
  reason?: string;
  /** The bundle version the rollout runs on. */
  bundleVersion: string;
  /**
   * Whether its weights are in force: while active, and after promotion or rollback until a bundle
   * changes the service. An aborted rollout leaves the weights to the bundle at once.
   */
  pinned: boolean;
}

export const ACTIVE: readonly RolloutPhase[] = ["progressing", "paused"];

export function isActive(rollout: Rollout): boolean {
  return ACTIVE.includes(rollout.phase);
}
