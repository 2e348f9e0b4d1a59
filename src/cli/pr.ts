// typemesh pr --repo OWNER/NAME: commit the working tree's policy change to a branch, push it, and
// open (or update) the pull request with the impact summary as its description.
import type { Command } from "commander";
import { UsageError } from "./errors.ts";
import { gitops } from "./plan.ts";

export function registerPr(program: Command): void {
  program
    .command("pr")
    .description("open a pull request for the policy change in the working tree, with its impact summary")
    .argument("[dir]", "policies directory", "policies")
    .requiredOption("--repo <owner/name>", "the GitHub repository")
    .option("--title <title>", "pull request title and commit subject (default: names the changed services)")
    .option("--branch <name>", "branch to push (default: the current branch, or typemesh/<title> when on the base branch)")
    .option("--base <branch>", "branch the pull request goes into (default: the repository's default branch)")
    .option("--remote <name>", "git remote to push to", "origin")
    .action(async (dir: string, opts: { repo: string; title?: string; branch?: string; base?: string; remote: string }) => {
      // Octokit and git are loaded when the command runs (check.ts says why).
      const [{ parseRepo }, { proposeChange }] = await Promise.all([import("../gitops/github/client.ts"), import("../gitops/pr.ts")]);
      const repo = parseRepo(opts.repo);
      if (!repo) throw new UsageError(`--repo must be OWNER/NAME, not ${JSON.stringify(opts.repo)}`);
      const proposal = await gitops(() => proposeChange({
        policiesDir: dir, repo, remote: opts.remote,
        ...(opts.title !== undefined && { title: opts.title }),
        ...(opts.branch !== undefined && { branch: opts.branch }),
        ...(opts.base !== undefined && { base: opts.base }),
      }));
      process.stdout.write(`${proposal.created ? "opened" : "updated"} pull request #${proposal.number} ${proposal.url}\n`);
      process.stdout.write(`branch ${proposal.branch} at ${proposal.commit.slice(0, 7)}: ${proposal.report.headline}\n`);
    });
}
