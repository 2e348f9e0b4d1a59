// typemesh rollout start|status|pause|resume|abort|promote: progressive delivery driven by the control
// plane. The control plane runs the rollout; this command starts, steers and watches it, so a CI runner
// dying mid-rollout changes nothing. Exit codes: 0 promoted, 3 rolled back, 1 aborted or failed.
import type { Command } from "commander";
import { paletteFor } from "../compiler/diagnostics/palette.ts";
import type { Rollout } from "../runtime/control-plane/rollouts/rollout.ts";
import type { RolloutRequest } from "../runtime/control-plane/rollouts/plan.ts";
import { adminRequest } from "./admin-client.ts";
import { EXIT, UsageError } from "./errors.ts";
import { adminToken, parsePositiveInt } from "./options.ts";
import { renderRollout, rolloutLine } from "./rollout-render.ts";

export const ROLLED_BACK = 3;

interface Connection { controlPlane: string; token?: string }

function exitCodeOf(r: Rollout): number | undefined {
  if (r.phase === "promoted") return EXIT.ok;
  if (r.phase === "rolled-back") return ROLLED_BACK;
  if (r.phase === "aborted") return EXIT.failure;
  return undefined;
}

/** Follows a rollout until it finishes (or the timeout), drawing progress; returns the exit code. */
async function watch(conn: Connection, service: string, timeoutMs: number): Promise<number> {
  const tty = Boolean(process.stdout.isTTY);
  const p = paletteFor(process.stdout);
  const deadline = Date.now() + timeoutMs;
  let drawn = 0;
  let lastLine = "";
  for (;;) {
    const r = await adminRequest<Rollout>(conn.controlPlane, adminToken(conn.token), "GET", `/api/rollouts/${encodeURIComponent(service)}`);
    if (tty) {
      const lines = renderRollout(r, p);
      process.stdout.write(`${drawn ? `\u001b[${drawn}F\u001b[J` : ""}${lines.join("\n")}\n`);
      drawn = lines.length;
    } else {
      const line = rolloutLine(r).replace(/^\S+ /, "");
      if (line !== lastLine) process.stdout.write(`${rolloutLine(r)}\n`);
      lastLine = line;
    }
    const code = exitCodeOf(r);
    if (code !== undefined) return code;
    if (Date.now() > deadline) {
      process.stdout.write(`still ${r.phase} after ${Math.round(timeoutMs / 1000)} s; it goes on in the control plane (typemesh rollout status ${service})\n`);
      return EXIT.failure;
    }
    await new Promise((resolve) => setTimeout(resolve, tty ? 500 : 1000));
  }
}

function parseSteps(text: string): number[] {
  const steps = text.split(",").map((s) => Number(s.trim()));
  if (steps.some((n) => !Number.isFinite(n))) throw new UsageError(`--steps takes weights like 5,25,50,100, not ${text}`);
  return steps;
}

function parseHeader(text: string): { name: string; value: string } {
  const [name, ...value] = text.split("=");
  if (!name || value.length === 0) throw new UsageError(`--canary-header takes name=value, not ${text}`);
  return { name, value: value.join("=") };
}

export function registerRollout(program: Command): void {
  const rollout = program.command("rollout").description("progressive delivery: move traffic to a new version in gated steps");
  const connection = (c: Command) => c
    .option("--control-plane <url>", "control plane URL", "http://127.0.0.1:15010")
    .option("--token <token>", "admin token (or TYPEMESH_ADMIN_TOKEN)");

  connection(rollout.command("start").description("start a rollout (the service's declared one, changed by these options) and watch it")
    .requiredOption("--service <name>", "service to roll out")
    .option("--to <version>", "the new version")
    .option("--from <version>", "the stable version")
    .option("--steps <weights>", "weights of the new version, e.g. 5,25,50,100", parseSteps)
    .option("--step-weight <percent>", "instead of --steps: add this much each step…", Number)
    .option("--max-weight <percent>", "…up to this weight, then 100", Number)
    .option("--interval <duration>", "how long each step is held, e.g. 30s")
    .option("--min-success <percent>", "lowest success rate of the new version", Number)
    .option("--max-p99 <duration>", "highest p99 latency of the new version, e.g. 300ms")
    .option("--min-requests <n>", "requests a step needs before it is judged", Number)
    .option("--failure-threshold <n>", "failed checks tolerated before rolling back", Number)
    .option("--canary-header <name=value>", "requests with this header go to the new version first", parseHeader)
    .option("--no-wait", "start it and return")
    .option("--timeout <seconds>", "stop watching after this long", parsePositiveInt, 3600))
    .action(async (opts: Connection & { service: string; to?: string; from?: string; steps?: number[]; stepWeight?: number; maxWeight?: number; interval?: string; minSuccess?: number; maxP99?: string; minRequests?: number; failureThreshold?: number; canaryHeader?: { name: string; value: string }; wait: boolean; timeout: number }) => {
      const request: RolloutRequest = {
        service: opts.service,
        ...(opts.to && { to: opts.to }), ...(opts.from && { from: opts.from }), ...(opts.steps && { steps: opts.steps }),
        ...(opts.stepWeight !== undefined && { stepWeight: opts.stepWeight }), ...(opts.maxWeight !== undefined && { maxWeight: opts.maxWeight }),
        ...(opts.interval && { interval: opts.interval }),
        gates: { ...(opts.minSuccess !== undefined && { minSuccessRate: opts.minSuccess }), ...(opts.maxP99 && { maxP99: opts.maxP99 }), ...(opts.minRequests !== undefined && { minRequests: opts.minRequests }) },
        ...(opts.failureThreshold !== undefined && { failureThreshold: opts.failureThreshold }),
        ...(opts.canaryHeader && { canaryHeader: opts.canaryHeader }),
      };
      const started = await adminRequest<Rollout>(opts.controlPlane, adminToken(opts.token), "POST", "/api/rollouts", JSON.stringify(request));
      process.stdout.write(`started rollout ${started.id} of ${started.service}: ${started.from} → ${started.to}, steps ${started.steps.join("/")}%, ${started.intervalMs / 1000} s each\n`);
      if (!opts.wait) return;
      process.exitCode = await watch(opts, started.service, opts.timeout * 1000);
    });

  connection(rollout.command("status").description("show a service's rollout (all rollouts without --service)")
    .option("--service <name>", "service")
    .option("--watch", "follow it until it finishes (exit 0 promoted, 3 rolled back)")
    .option("--format <format>", "text or json", "text"))
    .action(async (opts: Connection & { service?: string; watch?: boolean; format: string }) => {
      if (opts.watch) {
        if (!opts.service) throw new UsageError("--watch needs --service");
        process.exitCode = await watch(opts, opts.service, 24 * 3600_000);
        return;
      }
      const path = opts.service ? `/api/rollouts/${encodeURIComponent(opts.service)}` : "/api/rollouts";
      const result = await adminRequest<Rollout | Rollout[]>(opts.controlPlane, adminToken(opts.token), "GET", path);
      if (opts.format === "json") return void process.stdout.write(`${JSON.stringify(result)}\n`);
      const list = Array.isArray(result) ? result : [result];
      if (list.length === 0) process.stdout.write("no rollouts\n");
      for (const r of list) process.stdout.write(`${renderRollout(r, paletteFor(process.stdout)).join("\n")}\n`);
    });

  connection(rollout.command("report").description("post a rollout's result to GitHub: a commit status and a comment on the merged PR")
    .requiredOption("--service <name>", "service")
    .requiredOption("--repo <owner/name>", "GitHub repository")
    .requiredOption("--sha <commit>", "the commit the rollout shipped (GITHUB_SHA on push)")
    .option("--pr <number>", "pull request to comment on (default: the one that merged the commit)", parsePositiveInt))
    .action(async (opts: Connection & { service: string; repo: string; sha: string; pr?: number }) => {
      // Octokit is loaded when a report is posted (check.ts says why).
      const [{ createGitHub, parseRepo }, { upsertStickyComment }, { pullRequestsOf, setCommitStatus }, { rolloutComment, rolloutMarker, rolloutStatus }] = await Promise.all([
        import("../gitops/github/client.ts"), import("../gitops/github/comment.ts"), import("../gitops/github/commit-status.ts"), import("../gitops/rollout-report.ts"),
      ]);
      const repo = parseRepo(opts.repo);
      if (!repo) throw new UsageError(`--repo takes OWNER/NAME, not ${opts.repo}`);
      const r = await adminRequest<Rollout>(opts.controlPlane, adminToken(opts.token), "GET", `/api/rollouts/${encodeURIComponent(opts.service)}`);
      const gh = createGitHub();
      const status = rolloutStatus(r);
      await setCommitStatus(gh, { ...repo, sha: opts.sha }, status);
      process.stdout.write(`commit ${opts.sha.slice(0, 12)}: ${status.context} ${status.state}\n`);
      const prs = opts.pr ? [opts.pr] : await pullRequestsOf(gh, { ...repo, sha: opts.sha });
      for (const pr of prs) {
        const posted = await upsertStickyComment(gh, { ...repo, pr }, rolloutComment(r), rolloutMarker(r.service));
        process.stdout.write(`PR #${pr}: ${posted.created ? "commented" : "updated the comment"} ${posted.url}\n`);
      }
      if (prs.length === 0) process.stdout.write("no pull request merged this commit: status only\n");
    });

  for (const [action, description] of [
    ["pause", "hold the current weights"], ["resume", "continue a paused rollout"],
    ["abort", "stop it; traffic follows the bundle again"], ["promote", "send all traffic to the new version now"],
  ] as const) {
    connection(rollout.command(action).description(description).requiredOption("--service <name>", "service"))
      .action(async (opts: Connection & { service: string }) => {
        const r = await adminRequest<Rollout>(opts.controlPlane, adminToken(opts.token), "POST", `/api/rollouts/${encodeURIComponent(opts.service)}/${action}`);
        process.stdout.write(`${rolloutLine(r)}\n`);
      });
  }
}


