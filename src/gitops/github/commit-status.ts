// Commit statuses and the pull requests behind a commit: how a rollout's result reaches the merged PR.
import { call, type GitHub, type RepoRef } from "./client.ts";

export interface CommitStatus {
  state: "pending" | "success" | "failure" | "error";
  /** GitHub keeps 140 characters of it. */
  description: string;
  context: string;
  targetUrl?: string;
}

export async function setCommitStatus(gh: GitHub, where: RepoRef & { sha: string }, status: CommitStatus): Promise<void> {
  await call(`set the ${status.context} status on ${where.sha.slice(0, 12)}`, () => gh.rest.repos.createCommitStatus({
    owner: where.owner, repo: where.repo, sha: where.sha, state: status.state, context: status.context,
    description: status.description.length > 140 ? `${status.description.slice(0, 139)}…` : status.description,
    ...(status.targetUrl && { target_url: status.targetUrl }),
  }));
}

/** The pull requests a commit belongs to (the one merged to make it, for a push to main). */
export async function pullRequestsOf(gh: GitHub, where: RepoRef & { sha: string }): Promise<number[]> {
  const found = await call(`find the pull request of ${where.sha.slice(0, 12)}`, () => gh.rest.repos.listPullRequestsAssociatedWithCommit({
    owner: where.owner, repo: where.repo, commit_sha: where.sha,
  }));
  return found.data.map((pr) => pr.number);
}
