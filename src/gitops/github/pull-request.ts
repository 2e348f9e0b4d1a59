// Opening the pull request for a branch, or updating the open one (title and description), so that
// running `typemesh pr` again after another change refreshes the same PR.
import { call, type GitHub, type RepoRef } from "./client.ts";

export interface PullRequestSpec { head: string; base: string; title: string; body: string }

export async function openOrUpdatePullRequest(gh: GitHub, where: RepoRef, spec: PullRequestSpec): Promise<{ number: number; url: string; created: boolean }> {
  const open = await call(`list open pull requests for ${spec.head}`, () =>
    gh.rest.pulls.list({ owner: where.owner, repo: where.repo, state: "open", head: `${where.owner}:${spec.head}`, per_page: 10 }));
  const existing = open.data[0];
  if (existing) {
    const updated = await call(`update pull request #${existing.number}`, () =>
      gh.rest.pulls.update({ owner: where.owner, repo: where.repo, pull_number: existing.number, title: spec.title, body: spec.body }));
    return { number: updated.data.number, url: updated.data.html_url, created: false };
  }
  const created = await call(`open a pull request from ${spec.head} into ${spec.base}`, () =>
    gh.rest.pulls.create({ owner: where.owner, repo: where.repo, head: spec.head, base: spec.base, title: spec.title, body: spec.body }));
  return { number: created.data.number, url: created.data.html_url, created: true };
}
