// The rollout controller: the control plane owns every rollout, so a CI runner that dies mid-rollout
// leaves nothing ownerless. Rules (docs/rollouts.md):
// - A progressing rollout holds each step for its interval, then reads the new version's figures:
//   passed → next step (after the 100% step: promoted); failed more than failureThreshold times →
//   rolled back at once (weight 0); too little traffic → the step is held for another interval and
//   its figures keep accumulating (five such holds in a row pause the rollout).
// - The CLI only starts, steers and watches; killing it changes nothing.
// - A restarted control plane resumes progressing rollouts; the interrupted step is measured anew.
// - A bundle that changes the service under an active rollout pauses it (weights held) with the
//   reason; one that drops either version aborts it. A finished rollout pins its final weights until
//   a bundle changes the service.
import { randomUUID } from "node:crypto";
import type { Bundle } from "../../../compiler/emit/bundle.ts";
import type { ServiceIR } from "../../../compiler/ir/schema.ts";
import { canonicalJson } from "../../../compiler/ir/canonical-json.ts";
import { findService } from "../../../compiler/simulate/simulate.ts";
import type { TrafficStore } from "../traffic-store.ts";
import { checkGates } from "./gates.ts";
import { isActive, type Rollout, type RolloutPlan } from "./rollout.ts";
import type { RolloutStore } from "./store.ts";

const MAX_INSUFFICIENT = 5;
const KEEP_FINISHED = 50;

export type Outcome = { rollout: Rollout } | { error: string; status: number };

/** A service's policy without source positions: what "the bundle changed the service" compares. */
function policyOf(service: ServiceIR | undefined): string {
  return canonicalJson(service ?? null, 0).replace(/"source":\{[^}]*\},?/g, "");
}

export class RolloutController {
  private rollouts: Rollout[];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: RolloutStore,
    private readonly traffic: TrafficStore,
    private readonly onWeightsChanged: () => void,
    private readonly log: (line: string) => void,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.rollouts = store.load();
    // The step that was running when the control plane stopped is measured again from now.
    for (const r of this.rollouts) if (r.phase === "progressing") this.newWindow(r);
  }

  list(): Rollout[] {
    return [...this.rollouts].sort((a, b) => Number(isActive(b)) - Number(isActive(a)) || b.startedAt.localeCompare(a.startedAt));
  }

  /** Rollouts whose weights are in force: active ones and finished ones still pinning weights. */
  inForce(): Rollout[] {
    const latest = new Map<string, Rollout>();
    for (const r of this.rollouts) if (!latest.has(r.service) || r.startedAt > latest.get(r.service)!.startedAt) latest.set(r.service, r);
    return [...latest.values()].filter((r) => r.pinned);
  }

  find(service: string): Rollout | undefined {
    return this.list().find((r) => r.service === service || r.service.endsWith(`/${service}`));
  }

  start(plan: RolloutPlan, bundle: Bundle): Outcome {
    const service = findService(bundle.ir, plan.service);
    if (!service) return { error: `no service ${plan.service} in the bundle in force`, status: 400 };
    const versions = service.versions.map((v) => v.name);
    for (const v of [plan.from, plan.to]) if (!versions.includes(v)) return { error: `${service.id} has no version ${v}`, status: 400 };
    if (plan.from === plan.to) return { error: "a rollout moves traffic between two different versions", status: 400 };
    if (this.rollouts.some((r) => r.service === service.id && isActive(r))) return { error: `${service.id} already has a rollout in progress`, status: 409 };
    const at = this.now().toISOString();
    const rollout: Rollout = {
      ...plan, service: service.id, id: randomUUID(), phase: "progressing", stepIndex: 0, weight: plan.steps[0]!,
      startedAt: at, stepStartedAt: at, failedChecks: 0, checks: [], bundleVersion: bundle.version, pinned: true,
    };
    this.rollouts.push(rollout);
    this.changed(rollout, `started: ${service.id} ${plan.from} → ${plan.to}, steps ${plan.steps.join("/")}`);
    return { rollout };
  }

  pause(service: string, reason = "paused by operator"): Outcome {
    return this.steer(service, ["progressing"], (r) => { r.phase = "paused"; r.reason = reason; });
  }

  resume(service: string, bundle?: Bundle): Outcome {
    return this.steer(service, ["paused"], (r) => {
      r.phase = "progressing";
      r.reason = undefined;
      this.newWindow(r);
      if (bundle) r.bundleVersion = bundle.version;
    });
  }

  abort(service: string): Outcome {
    return this.steer(service, ["progressing", "paused"], (r) => this.finish(r, "aborted", 0, "aborted by operator"));
  }

  promote(service: string): Outcome {
    return this.steer(service, ["progressing", "paused"], (r) => this.finish(r, "promoted", 100, "promoted by operator"));
  }

  private steer(service: string, from: Rollout["phase"][], change: (r: Rollout) => void): Outcome {
    const rollout = this.find(service);
    if (!rollout) return { error: `no rollout for ${service}`, status: 404 };
    if (!from.includes(rollout.phase)) return { error: `the rollout of ${rollout.service} is ${rollout.phase}`, status: 409 };
    change(rollout);
    this.changed(rollout, `${rollout.phase}${rollout.reason ? `: ${rollout.reason}` : ""}`);
    return { rollout };
  }

  /** The step's measurement starts over from now. */
  private newWindow(r: Rollout): void {
    r.stepStartedAt = this.now().toISOString();
    r.nextCheckAt = undefined;
  }

  private finish(r: Rollout, phase: "promoted" | "rolled-back" | "aborted", weight: number, reason: string): void {
    r.phase = phase;
    r.weight = weight;
    r.reason = reason;
    r.finishedAt = this.now().toISOString();
    r.pinned = phase !== "aborted";
  }

  /** A new bundle: pause, abort or unpin rollouts of services it changes. */
  bundleApplied(previous: Bundle | undefined, next: Bundle): void {
    for (const r of this.inForce()) {
      const before = previous && findService(previous.ir, r.service);
      const after = findService(next.ir, r.service);
      if (policyOf(before) === policyOf(after)) continue;
      const versions = after?.versions.map((v) => v.name) ?? [];
      if (!isActive(r)) {
        r.pinned = false;
        this.changed(r, `bundle ${next.version} changed ${r.service}: its policy decides the weights again`);
      } else if (!versions.includes(r.from) || !versions.includes(r.to)) {
        this.finish(r, "aborted", 0, `bundle ${next.version} removed ${r.service} or one of its versions`);
        this.changed(r, r.reason!);
      } else if (r.phase === "progressing") {
        r.phase = "paused";
        r.reason = `bundle ${next.version} changed ${r.service} during the rollout: weights held at ${r.weight}%; resume to continue on it, or abort`;
        this.changed(r, r.reason);
      }
    }
  }

  /** Judges every progressing rollout whose step interval has passed. */
  tick(): void {
    const now = this.now();
    for (const r of this.rollouts) {
      const due = r.nextCheckAt ? Date.parse(r.nextCheckAt) : Date.parse(r.stepStartedAt) + r.intervalMs;
      if (r.phase !== "progressing" || now.getTime() < due) continue;
      const check = checkGates(r, this.traffic, now.getTime() - Date.parse(r.stepStartedAt), now);
      r.checks.push(check);
      if (r.checks.length > 200) r.checks.splice(0, r.checks.length - 200);
      if (check.outcome === "insufficient-traffic") {
        const recent = r.checks.slice(-MAX_INSUFFICIENT);
        if (recent.length === MAX_INSUFFICIENT && recent.every((c) => c.outcome === "insufficient-traffic")) {
          r.phase = "paused";
          r.reason = `no step got enough traffic to judge ${MAX_INSUFFICIENT} times in a row (${check.reasons[0]})`;
        } else {
          r.nextCheckAt = new Date(now.getTime() + r.intervalMs).toISOString();
        }
      } else if (check.outcome === "failed") {
        r.failedChecks++;
        if (r.failedChecks > r.failureThreshold) this.finish(r, "rolled-back", 0, `gate failed at ${r.weight}%: ${check.reasons.join("; ")}`);
        else this.newWindow(r);
      } else if (r.stepIndex + 1 >= r.steps.length) {
        this.finish(r, "promoted", 100, `every step passed; ${r.to} takes all traffic`);
      } else {
        r.stepIndex++;
        r.weight = r.steps[r.stepIndex]!;
        this.newWindow(r);
      }
      this.changed(r, `step ${r.stepIndex + 1}/${r.steps.length} at ${r.weight}%: ${check.outcome}${check.reasons.length ? ` (${check.reasons.join("; ")})` : ""}${isActive(r) ? "" : ` → ${r.phase}`}`);
    }
  }

  private changed(r: Rollout, what: string): void {
    const finished = this.rollouts.filter((x) => !isActive(x));
    if (finished.length > KEEP_FINISHED) {
      const drop = new Set(finished.sort((a, b) => a.startedAt.localeCompare(b.startedAt)).slice(0, finished.length - KEEP_FINISHED));
      this.rollouts = this.rollouts.filter((x) => !drop.has(x));
    }
    this.store.save(this.rollouts);
    this.log(`rollout ${r.service}: ${what}`);
    this.onWeightsChanged();
  }

  startTicking(everyMs = 250): void {
    this.timer = setInterval(() => this.tick(), everyMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
