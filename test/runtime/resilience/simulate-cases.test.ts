// Acceptance: every resilience case of the simulate table (test/simulate/cases.json) against real
// proxies of the demo mesh with real failing upstreams, with the outcome the reference semantics
// predict. For each case whose request reaches an app under a timeout, retries, a fault or a mirror,
// the upstream is scripted to answer, fail once, keep failing, fail in a way the policy does not
// retry, hang, or refuse connections; simulate + predictExchange (src/compiler/simulate/exchange.ts)
// say what the caller must get, how many tries the upstream must see, and when. Faults and mirrors
// are random by percentage and are checked by their rates.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { compilePolicies } from "../../../src/compiler/compile.ts";
import type { MeshIR, RetryIR } from "../../../src/compiler/ir/schema.ts";
import { predictExchange, retryMatches, type PredictedExchange, type UpstreamTry } from "../../../src/compiler/simulate/exchange.ts";
import { findService, simulate, type SimulatedOutcome, type SimulatedRequest } from "../../../src/compiler/simulate/simulate.ts";
import { inParallel, ResilienceMesh, type Reply } from "../support/resilience-mesh.ts";
import type { Action } from "../support/scripted-upstream.ts";

const here = path.dirname(new URL(import.meta.url).pathname);
const repo = path.resolve(here, "../../..");
const table = JSON.parse(readFileSync(path.join(repo, "test/simulate/cases.json"), "utf8")) as { cases: { name: string; request: SimulatedRequest }[] };

interface Scenario { name: string; tries: readonly UpstreamTry[] }

const toAction = (t: UpstreamTry): Action => {
  switch (t.kind) {
    case "answer": return { kind: "answer", status: t.status, ...(t.afterMs !== undefined && { afterMs: t.afterMs }) };
    case "reset": return { kind: "reset", ...(t.afterMs !== undefined && { afterMs: t.afterMs }) };
    case "hang": return { kind: "hang" };
    case "refuse": throw new Error("refusing is the app being down, not a scripted answer");
  }
};

/** A try the policy retries, expressed as something an upstream can do on one try. */
function retriedTry(policy: RetryIR): UpstreamTry | undefined {
  const candidates: UpstreamTry[] = [
    ...policy.retryOnStatus.map((status) => ({ kind: "answer" as const, status })),
    { kind: "answer", status: 503 }, { kind: "answer", status: 502 }, { kind: "reset" },
  ];
  return candidates.find((t) => retryMatches(policy, t.kind === "answer" ? { status: t.status } : { status: 503, reason: "app-reset" }));
}

/** The upstream behaviours worth trying against this outcome's policy. */
function scenarios(outcome: SimulatedOutcome): Scenario[] {
  const ok: UpstreamTry = { kind: "answer", status: 200 };
  const list: Scenario[] = [{ name: "answers", tries: [ok] }];
  const policy = outcome.retries;
  if (policy) {
    const failing = retriedTry(policy);
    if (failing) {
      list.push({ name: `fails once (${failing.kind === "answer" ? failing.status : failing.kind}), then answers`, tries: [failing, ok] });
      list.push({ name: `keeps failing (${failing.kind === "answer" ? failing.status : failing.kind})`, tries: [failing] });
    }
    const unretried = [500, 501, 404].find((status) => !retryMatches(policy, { status }));
    if (unretried) list.push({ name: `fails with ${unretried}, which it does not retry`, tries: [{ kind: "answer", status: unretried }, ok] });
  }
  const bound = Math.min(outcome.retries?.perTryTimeoutMs || Infinity, outcome.timeoutMs || Infinity);
  if (bound < Infinity) {
    list.push({ name: "hangs", tries: [{ kind: "hang" }] });
    list.push({ name: "answers slowly but in time", tries: [{ kind: "answer", status: 200, afterMs: Math.round(bound * 0.25) }] });
  }
  return list;
}

const isResilienceCase = (o: SimulatedOutcome) => o.status === undefined && !o.error && (o.timeoutMs !== undefined || o.retries || o.fault || o.mirror);

let ir: MeshIR;
let m: ResilienceMesh;
before(async () => {
  const compiled = await compilePolicies(path.join(repo, "policies"));
  assert.ok(compiled.ir, JSON.stringify(compiled.diagnostics));
  ir = compiled.ir;
  // Every caller and every destination of the table's resilience cases, as the demo runs them.
  const needed = new Set<string>();
  for (const c of table.cases) {
    const outcome = simulate(ir, c.request);
    if (!isResilienceCase(outcome) || c.request.from === undefined) continue;
    needed.add(findService(ir, c.request.from)!.id);
    needed.add(outcome.service!);
    if (outcome.mirror) needed.add(outcome.mirror.service);
  }
  const workloads = [...needed].sort().flatMap((id) => findService(ir, id)!.versions.map((v) => ({ service: id, version: v.name })));
  m = await ResilienceMesh.start(ir, workloads);
  // Warm up: the first request on each path pays for connections and TLS handshakes, not the policy.
  await Promise.all(table.cases.filter((c) => c.request.from !== undefined && isResilienceCase(simulate(ir, c.request)))
    .map((c) => send(c.request, "warm-up")));
});
after(() => m?.stop());

function appsOf(serviceId: string) {
  return m.workloads.filter((w) => w.service === serviceId).map((w) => w.app);
}

function triesSeen(serviceId: string, key: string): number {
  return appsOf(serviceId).flatMap((app) => app.seen(key)).filter((r) => !String(r.headers.host).endsWith("-shadow")).length;
}

/** The reply must be one of the predicted answers (two when the backoff's jitter decides). */
function check(reply: Reply, predicted: PredictedExchange[], seen: number | undefined, what: string): void {
  const got = `${reply.status} ${reply.reason ?? ""} after ${reply.ms.toFixed(0)} ms, ${seen ?? "?"} tries`;
  const want = predicted.map((p) => `${p.status} ${p.reason ?? ""} after ${p.minMs}–${p.maxMs} ms, ${p.tries} tries`).join(" or ");
  const match = predicted.find((p) => p.status === reply.status && p.reason === reply.reason && (seen === undefined || p.tries === seen));
  assert.ok(match, `${what}: got ${got}; predicted ${want}`);
  // Lower bounds are exact (timers only fire late); the upper bound leaves a loaded machine room.
  assert.ok(reply.ms >= match.minMs - 5 && reply.ms <= match.maxMs + 1500, `${what}: got ${got}; predicted ${want}`);
}

const send = (request: SimulatedRequest, key: string, body?: Buffer) => m.send(findService(ir, request.from!)!.id, request.to, {
  method: request.method ?? "GET", path: request.path ?? "/", headers: { ...request.headers, "x-test-script": key }, ...(body && { body }),
});

describe("the simulate table's resilience cases on real proxies", () => {
  test("scripted upstreams: answers, failures, hangs", async () => {
    const runs: (() => Promise<void>)[] = [];
    let covered = 0;
    for (const [index, c] of table.cases.entries()) {
      const outcome = simulate(ir, c.request);
      if (!isResilienceCase(outcome) || c.request.from === undefined || outcome.fault) continue;
      covered++;
      for (const [s, scenario] of scenarios(outcome).entries()) {
        const key = `case-${index}-${s}`;
        for (const app of appsOf(outcome.service!)) app.script(key, scenario.tries.map(toAction));
        const predicted = predictExchange(outcome, { method: c.request.method }, scenario.tries);
        runs.push(async () => {
          const reply = await send(c.request, key);
          check(reply, predicted, triesSeen(outcome.service!, key), `${c.name} — upstream ${scenario.name}`);
        });
      }
    }
    assert.ok(covered >= 8, `only ${covered} resilience cases in the table`);
    // Scenarios are keyed by request, so they run side by side on the shared mesh; every one runs.
    const failures = (await inParallel(runs.length, 6, (i) => runs[i]!().then(() => undefined, (error: Error) => error.message))).filter(Boolean);
    assert.equal(failures.length, 0, `${failures.length} of ${runs.length} exchanges differ from the prediction:\n${failures.join("\n")}`);
  });

  test("an upstream that refuses connections", async () => {
    let covered = 0;
    for (const [index, c] of table.cases.entries()) {
      const outcome = simulate(ir, c.request);
      if (!isResilienceCase(outcome) || c.request.from === undefined || outcome.fault) continue;
      if (!outcome.retries || !retryMatches(outcome.retries, { status: 503, reason: "app-connect-failure" })) continue;
      covered++;
      const apps = appsOf(outcome.service!);
      await Promise.all(apps.map((app) => app.down()));
      try {
        const predicted = predictExchange(outcome, { method: c.request.method }, [{ kind: "refuse" }]);
        check(await send(c.request, `refuse-${index}`), predicted, undefined, `${c.name} — upstream refuses`);
      } finally {
        await Promise.all(apps.map((app) => app.up()));
      }
    }
    assert.ok(covered >= 2, `only ${covered} cases retry on connect-failure`);
  });

  test("faults: the table's fault case delays and aborts its share of requests", async () => {
    const cases = table.cases.filter((c) => c.request.from !== undefined && simulate(ir, c.request).fault);
    assert.ok(cases.length >= 1);
    for (const c of cases) {
      const outcome = simulate(ir, c.request);
      const destination = m.workloads.find((w) => w.service === outcome.service && w.version === outcome.version)!;
      const count = async (fault: string) => {
        const line = (await destination.proxy.metrics.text()).split("\n").find((l) => l.startsWith(`typemesh_faults_injected_total{destination_service="${outcome.service}",route="${outcome.route!.name}",fault="${fault}"}`));
        return Number(line?.split(" ").at(-1) ?? 0);
      };
      const [delaysBefore, abortsBefore] = [await count("delay"), await count("abort")];
      const n = 400;
      const replies = await inParallel(n, 16, (i) => send(c.request, `fault-${i}`));
      const delays = (await count("delay")) - delaysBefore;
      const aborts = replies.filter((r) => r.status === outcome.fault!.abort?.status && r.reason === "fault-abort").length;
      assert.equal(aborts, (await count("abort")) - abortsBefore);
      assert.equal(replies.filter((r) => r.status === 200).length + aborts, n);
      // Within four standard deviations of the declared percentages.
      const within = (k: number, percent: number) => Math.abs(k - n * percent / 100) <= 4 * Math.sqrt(n * (percent / 100) * (1 - percent / 100)) + 1;
      if (outcome.fault!.abort) assert.ok(within(aborts, outcome.fault!.abort.percent), `${aborts} of ${n} aborted, declared ${outcome.fault!.abort.percent}%`);
      if (outcome.fault!.delay) {
        assert.ok(within(delays, outcome.fault!.delay.percent), `${delays} of ${n} delayed, declared ${outcome.fault!.delay.percent}%`);
        const slow = replies.filter((r) => r.ms >= outcome.fault!.delay!.fixedMs - 1).length;
        assert.ok(slow >= delays, `only ${slow} replies took the injected ${outcome.fault!.delay.fixedMs} ms, ${delays} were delayed`);
      }
    }
  });

  test("mirrors: the table's mirror case copies its share to the mirror target, whose answers are dropped", async () => {
    const cases = table.cases.filter((c) => c.request.from !== undefined && simulate(ir, c.request).mirror);
    assert.ok(cases.length >= 1);
    for (const [index, c] of cases.entries()) {
      const outcome = simulate(ir, c.request);
      const mirror = outcome.mirror!;
      const targets = m.workloads.filter((w) => w.service === mirror.service && (!mirror.version || w.version === mirror.version)).map((w) => w.app);
      const key = `mirror-${index}`;
      // The mirror answers 500: nobody may see it.
      for (const app of targets) app.script(key, [{ kind: "answer", status: 500 }]);
      const copies = () => targets.flatMap((app) => app.seen(key)).filter((r) => String(r.headers.host).endsWith("-shadow")).length;
      const n = 200;
      const body = Buffer.from('{"amount": 1000}');
      const replies = await inParallel(n, 8, () => send(c.request, key, body));
      const failed = replies.filter((r) => r.status !== 200);
      assert.equal(failed.length, 0, `the primary failed: ${JSON.stringify(failed.slice(0, 5).map((r) => [r.status, r.reason, Math.round(r.ms)]))}`);
      const deadline = Date.now() + 3000;
      let last = -1;
      while (copies() !== last && Date.now() < deadline) {
        last = copies();
        await new Promise((r) => setTimeout(r, 200));
      }
      const k = copies();
      const sd = Math.sqrt(n * (mirror.percent / 100) * (1 - mirror.percent / 100));
      assert.ok(Math.abs(k - n * mirror.percent / 100) <= 4 * sd + 1, `${k} of ${n} copied, declared ${mirror.percent}%`);
      for (const copy of targets.flatMap((app) => app.seen(key))) assert.equal(copy.body.toString(), body.toString());
    }
  });
});
