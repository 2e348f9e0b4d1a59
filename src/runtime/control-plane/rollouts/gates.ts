// Reads a step's figures for the new version and judges them against the rollout's gates.
import type { TrafficStore } from "../traffic-store.ts";
import type { GateCheck, Rollout } from "./rollout.ts";

export function checkGates(rollout: Rollout, traffic: TrafficStore, windowMs: number, now: Date): GateCheck {
  const figures = traffic.versionFigures(rollout.service, rollout.to, windowMs);
  const base = { at: now.toISOString(), step: rollout.stepIndex, weight: rollout.weight, requests: figures.requests };
  const successRate = figures.successRate === undefined ? undefined : Math.round(figures.successRate * 100_000) / 1000;
  const measured = { ...(successRate !== undefined && { successRate }), ...(figures.p99Ms !== undefined && { p99Ms: Math.round(figures.p99Ms * 10) / 10 }) };
  if (figures.requests < rollout.gates.minRequests || figures.requests === 0) {
    return { ...base, ...measured, outcome: "insufficient-traffic", reasons: [`${figures.requests} requests to ${rollout.to}, fewer than the ${rollout.gates.minRequests} a step needs`] };
  }
  const reasons: string[] = [];
  const { minSuccessRate, maxP99Ms } = rollout.gates;
  if (minSuccessRate !== undefined && successRate !== undefined && successRate < minSuccessRate) {
    reasons.push(`success rate ${successRate}% < ${minSuccessRate}%`);
  }
  if (maxP99Ms !== undefined && figures.p99Ms !== undefined && figures.p99Ms > maxP99Ms) {
    reasons.push(`p99 ${Math.round(figures.p99Ms)} ms > ${maxP99Ms} ms`);
  }
  return { ...base, ...measured, outcome: reasons.length ? "failed" : "passed", reasons };
}
