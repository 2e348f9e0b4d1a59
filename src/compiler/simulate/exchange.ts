// What the caller gets when a route's resilience policy meets an upstream that misbehaves: the
// reference semantics of timeouts and retries, taking simulate's outcome and a script of how the
// upstream answers each try. The proxies are tested against these predictions with real failing
// upstreams (test/runtime/resilience/). The rules, in the proxies' words:
//
// - The route's timeout bounds the whole request, every try and backoff included: 504 request-timeout.
// - The per-try timeout bounds each try until its response headers: 504 per-try-timeout, and that
//   try counts as a reset and a 5xx for retryOn.
// - Retries only as declared; POST and PATCH only with retryNonIdempotent; a body over 64 KiB is not
//   replayed, so such a request is tried once. Backoff before retry n is random in
//   [0, min(max, base × 2^(n-1))).
// - retryOn: 5xx (any 5xx), gateway-error (502, 503, 504), reset (the upstream dropped the
//   connection, or the per-try timeout cut the try), connect-failure, or listed status codes.
// - An upstream app that resets or refuses is answered by its own proxy: 503 app-reset or
//   app-connect-failure.
// - The retry budget, connection limits and outlier ejections depend on other traffic and are left
//   out: a prediction is for a request on a mesh that is otherwise healthy.
// - Faults are random (their percentage of each try, on the destination's side after authorization,
//   so the caller's timeouts and retries apply to them) and are not part of a prediction.
// - Timeouts, retries and mirrors are the caller's sidecar's doing: a client outside the mesh has none.
import type { RetryIR } from "../ir/schema.ts";
import type { SimulatedOutcome } from "./simulate.ts";

export type UpstreamTry =
  | { kind: "answer"; status: number; afterMs?: number }
  | { kind: "reset"; afterMs?: number }
  | { kind: "hang" }
  | { kind: "refuse" };

export interface PredictedExchange {
  status: number;
  /** x-typemesh-reason of the answer when a proxy made it. */
  reason?: string;
  /** Tries the upstream saw (or, refusing, was sent). */
  tries: number;
  /** When the answer comes, from the request's start: the backoff's jitter makes it a range. */
  minMs: number;
  maxMs: number;
}

/** As the proxies' replay buffer (src/runtime/proxy/layers/replay-body.ts). */
export const REPLAY_LIMIT_BYTES = 64 * 1024;

/** Thrown when nothing bounds a request to an upstream that never answers. */
export class UnboundedExchange extends Error {}

interface TryResult { status: number; reason?: string; tookMs: number }

function tryResult(script: UpstreamTry, perTryMs: number | undefined): TryResult | "hangs" {
  const cut = (afterMs: number) => perTryMs !== undefined && afterMs >= perTryMs;
  switch (script.kind) {
    case "answer": return cut(script.afterMs ?? 0) ? { status: 504, reason: "per-try-timeout", tookMs: perTryMs! } : { status: script.status, tookMs: script.afterMs ?? 0 };
    case "reset": return cut(script.afterMs ?? 0) ? { status: 504, reason: "per-try-timeout", tookMs: perTryMs! } : { status: 503, reason: "app-reset", tookMs: script.afterMs ?? 0 };
    case "refuse": return { status: 503, reason: "app-connect-failure", tookMs: 0 };
    case "hang": return perTryMs !== undefined ? { status: 504, reason: "per-try-timeout", tookMs: perTryMs } : "hangs";
  }
}

export function retryMatches(policy: RetryIR, result: { status: number; reason?: string }): boolean {
  if (policy.retryOnStatus.includes(result.status)) return true;
  return policy.retryOn.some((condition) => {
    switch (condition) {
      case "5xx": return result.status >= 500;
      case "gateway-error": return result.status === 502 || result.status === 503 || result.status === 504;
      case "reset": return result.reason === "app-reset" || result.reason === "per-try-timeout";
      case "connect-failure": return result.reason === "app-connect-failure";
      default: return false;
    }
  });
}

/** The number of tries a request may get under the route's policy. */
export function triesAllowed(outcome: SimulatedOutcome, method: string, bodyBytes = 0): number {
  const policy = outcome.retries;
  if (!policy) return 1;
  if ((method === "POST" || method === "PATCH") && !policy.retryNonIdempotent) return 1;
  if (bodyBytes > REPLAY_LIMIT_BYTES) return 1;
  return 1 + policy.attempts;
}

function run(outcome: SimulatedOutcome, tries: number, script: readonly UpstreamTry[], fullBackoff: boolean): { status: number; reason?: string; tries: number; atMs: number } {
  const policy = outcome.retries;
  const perTryMs = policy?.perTryTimeoutMs || undefined;
  const deadline = outcome.timeoutMs || undefined;
  let now = 0;
  for (let i = 0; ; i++) {
    const result = tryResult(script[Math.min(i, script.length - 1)]!, perTryMs);
    const took = result === "hangs" ? Infinity : result.tookMs;
    if (deadline !== undefined && now + took >= deadline) return { status: 504, reason: "request-timeout", tries: i + 1, atMs: deadline };
    if (result === "hangs") throw new UnboundedExchange("the upstream hangs and nothing bounds the request");
    now += took;
    if (i === tries - 1 || !retryMatches(policy!, result)) return { status: result.status, ...(result.reason && { reason: result.reason }), tries: i + 1, atMs: now };
    if (fullBackoff) now += Math.min(policy!.backoff.maxMs, policy!.backoff.baseMs * 2 ** i);
    if (deadline !== undefined && now >= deadline) return { status: 504, reason: "request-timeout", tries: i + 1, atMs: deadline };
  }
}

/**
 * The caller's answer for a request the route lets through, with `script[i]` the upstream's behaviour
 * on try i (the last one repeats). Usually one answer; two when the backoff's jitter decides between
 * them (e.g. whether the last try still fits in the route's timeout): the proxies give one of them.
 */
export function predictExchange(outcome: SimulatedOutcome, request: { method?: string; bodyBytes?: number }, script: readonly UpstreamTry[]): PredictedExchange[] {
  const tries = triesAllowed(outcome, (request.method ?? "GET").toUpperCase(), request.bodyBytes);
  const quick = run(outcome, tries, script, false);
  const slow = run(outcome, tries, script, true);
  const answer = (r: typeof quick): PredictedExchange => ({
    status: r.status, ...(r.reason && { reason: r.reason }), tries: r.tries, minMs: quick.atMs, maxMs: slow.atMs,
  });
  const same = quick.status === slow.status && quick.reason === slow.reason && quick.tries === slow.tries;
  return same ? [answer(quick)] : [answer(quick), answer(slow)];
}
