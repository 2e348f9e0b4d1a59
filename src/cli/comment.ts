// typemesh comment --repo OWNER/NAME --pr N --plan plan.json: the PR bot. Posts the plan as one sticky
// comment (edited in place on every push) and as a check run with annotations on the policy lines.
// plan.json may come from an unprivileged job that ran the PR's code: it is schema-checked, and its
// strings are escaped when rendered.
import type { Command } from "commander";
import { readFileSync } from "node:fs";
import { GitOpsError } from "../gitops/errors.ts";
import { CommandError, UsageError } from "./errors.ts";
import { parsePositiveInt } from "./options.ts";
import { gitops } from "./plan.ts";

/** Room left for the hidden marker in front of the body. */
const COMMENT_BUDGET = 65_536 - 64;

export function registerComment(program: Command): void {
  program
    .command("comment")
    .description("post a plan on a pull request: one sticky comment, and a check run with annotations")
    .requiredOption("--repo <owner/name>", "the GitHub repository")
    .requiredOption("--pr <number>", "pull request number", parsePositiveInt)
    .requiredOption("--plan <file>", "plan JSON from `typemesh plan --format json`")
    .option("--sha <commit>", "commit the plan was made for: the check run goes there, and nothing is posted if the PR has moved on")
    .option("--no-check", "post the comment only, no check run")
    .action(async (opts: { repo: string; pr: number; plan: string; sha?: string; check: boolean }) => {
      // Octokit and its plugins are loaded when the command runs (check.ts says why).
      const [{ call, createGitHub, parseRepo }, { upsertStickyComment }, { publishCheckRun }, { parseReport }, { renderMarkdown }] = await Promise.all([
        import("../gitops/github/client.ts"), import("../gitops/github/comment.ts"), import("../gitops/github/checks.ts"),
        import("../gitops/render/json.ts"), import("../gitops/render/markdown.ts"),
      ]);
      const repo = parseRepo(opts.repo);
      if (!repo) throw new UsageError(`--repo must be OWNER/NAME, not ${JSON.stringify(opts.repo)}`);
      if (opts.sha !== undefined && !/^[0-9a-f]{40}$/.test(opts.sha)) throw new UsageError("--sha must be a full 40-character commit id");
      let text: string;
      try {
        text = readFileSync(opts.plan, "utf8");
      } catch (error) {
        throw new CommandError(`cannot read ${opts.plan}: ${(error as Error).message}`);
      }
      const { report, problems } = parseReport(text);
      if (!report) throw new CommandError(`${opts.plan} is not a typemesh plan:\n  ${problems.join("\n  ")}`);
      await gitops(async () => {
        const gh = createGitHub();
        const pull = await call(`read PR #${opts.pr}`, () => gh.rest.pulls.get({ ...repo, pull_number: opts.pr }));
        const sha = opts.sha ?? pull.data.head.sha;
        if (opts.sha && pull.data.head.sha !== opts.sha) {
          throw new GitOpsError(`PR #${opts.pr} is at ${pull.data.head.sha.slice(0, 7)}, not ${opts.sha.slice(0, 7)}: the plan is stale or for another PR; nothing posted`);
        }
        const body = renderMarkdown(report, { limit: COMMENT_BUDGET, whereFull: "The full report is in the workflow run's typemesh-plan artifact." });
        const comment = await upsertStickyComment(gh, { ...repo, pr: opts.pr }, `${body}\n<sub>for ${sha.slice(0, 7)}</sub>\n`);
        process.stdout.write(`${comment.created ? "commented" : "updated comment"} ${comment.url}\n`);
        if (opts.check) {
          const run = await publishCheckRun(gh, { ...repo, sha }, report);
          process.stdout.write(`check run ${run.id}: ${run.annotations} annotation${run.annotations === 1 ? "" : "s"} in ${run.requests} request${run.requests === 1 ? "" : "s"}\n`);
        }
      });
    });
}
