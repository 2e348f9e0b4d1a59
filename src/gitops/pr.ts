// pr: turn an uncommitted policy change into a pull request: check the token first (nothing is
// committed or pushed with a bad one), plan against the base branch, then branch, commit, push, and
// open the PR with the impact summary as its description (or update the open one).
import path from "node:path";
import type { ImpactReport } from "../compiler/diff/report.ts";
import { GitOpsError } from "./errors.ts";
import { currentBranch, git, repositoryRoot, resolveCommit, uncommittedPaths } from "./git.ts";
import { call, createGitHub, type RepoRef } from "./github/client.ts";
import { openOrUpdatePullRequest } from "./github/pull-request.ts";
import { runPlan } from "./plan.ts";
import { renderMarkdown } from "./render/markdown.ts";

export interface ProposeOptions {
  policiesDir: string;
  repo: RepoRef;
  title?: string;
  branch?: string;
  /** Branch the PR goes into; default: the repository's default branch on GitHub. */
  base?: string;
  remote?: string;
  env?: NodeJS.ProcessEnv;
}

export interface Proposal { number: number; url: string; created: boolean; branch: string; commit: string; report: ImpactReport }

const slug = (text: string) => text.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 40) || "change";

function defaultTitle(report: ImpactReport): string {
  const ids = report.services.map((s) => s.id);
  const names = ids.length > 3 ? `${ids.slice(0, 3).join(", ")} and ${ids.length - 3} more` : ids.join(", ");
  return `Policy change: ${names || "mesh defaults"}`;
}

export async function proposeChange(options: ProposeOptions): Promise<Proposal> {
  const headDir = path.resolve(options.policiesDir);
  const root = await repositoryRoot(headDir);
  const policiesPath = path.relative(root, headDir).split(path.sep).join("/") || ".";
  const remote = options.remote ?? "origin";
  const gh = createGitHub(options.env);
  const info = await call(`read ${options.repo.owner}/${options.repo.repo}`, () => gh.rest.repos.get({ owner: options.repo.owner, repo: options.repo.repo }));
  const baseBranch = options.base ?? info.data.default_branch;

  const changed = await uncommittedPaths(root);
  const inPolicies = (p: string) => policiesPath === "." || p === policiesPath || p.startsWith(`${policiesPath}/`);
  const elsewhere = changed.filter((p) => !inPolicies(p));
  if (elsewhere.length > 0) {
    throw new GitOpsError(`the working tree has changes outside ${policiesPath}/ (${elsewhere.slice(0, 5).join(", ")}${elsewhere.length > 5 ? ", …" : ""}): commit or stash them first, pr commits policy changes only`);
  }
  if (!changed.some(inPolicies)) throw new GitOpsError(`no uncommitted changes under ${policiesPath}/ to propose`);

  const repo = git(root);
  await repo.fetch(remote, baseBranch).catch(() => undefined); // offline or no such remote branch: plan against the local ref
  const baseRef = await resolveCommit(root, `${remote}/${baseBranch}`).then(() => `${remote}/${baseBranch}`, () => baseBranch);
  const report = await runPlan({ policiesDir: headDir, base: baseRef });
  if (!report.head.compiled) throw new GitOpsError("the policies do not compile: run `typemesh check` and fix the errors first; nothing was committed");

  const title = options.title ?? defaultTitle(report);
  const current = await currentBranch(root);
  let branch = current;
  if (options.branch ? options.branch !== current : !current || current === baseBranch) {
    branch = options.branch ?? `typemesh/${slug(title)}`;
    await repo.checkout(["-b", branch]).catch((error: Error) => { throw new GitOpsError(`cannot create branch ${branch}: ${error.message}`); });
  }
  try {
    await repo.add(["--all", "--", policiesPath]);
    await repo.commit(`${title}\n\n${report.headline}`);
  } catch (error) {
    throw new GitOpsError(`git commit on ${branch} failed: ${(error as Error).message.trim()} (nothing was pushed)`);
  }
  const commit = (await repo.revparse(["HEAD"])).trim();
  try {
    await repo.push(remote, `HEAD:refs/heads/${branch!}`, ["--set-upstream"]);
  } catch (error) {
    throw new GitOpsError(`push of ${branch} to ${remote} failed: ${(error as Error).message.trim()} (the commit ${commit.slice(0, 7)} is on your local branch)`);
  }
  const body = renderMarkdown(report, { whereFull: "Run `typemesh plan` for the full report." });
  const pr = await openOrUpdatePullRequest(gh, options.repo, { head: branch!, base: baseBranch, title, body });
  return { ...pr, branch: branch!, commit, report };
}
