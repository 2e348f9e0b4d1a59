// One sticky comment per PR: found by a hidden marker and edited in place, so every push updates the
// same comment instead of adding another. Bodies are cut to GitHub's 65,536-character limit upstream.
import { call, type GitHub, type RepoRef } from "./client.ts";

export const PLAN_MARKER = "<!-- typemesh:plan -->";

export async function upsertStickyComment(gh: GitHub, where: RepoRef & { pr: number }, body: string, marker = PLAN_MARKER): Promise<{ id: number; created: boolean; url: string }> {
  const text = body.startsWith(marker) ? body : `${marker}\n${body}`;
  const comments = await call(`list the comments of PR #${where.pr}`, () =>
    gh.paginate(gh.rest.issues.listComments, { owner: where.owner, repo: where.repo, issue_number: where.pr, per_page: 100 }));
  const mine = comments.find((c) => c.body?.includes(marker));
  if (mine) {
    const updated = await call(`update comment ${mine.id}`, () => gh.rest.issues.updateComment({ owner: where.owner, repo: where.repo, comment_id: mine.id, body: text }));
    return { id: updated.data.id, created: false, url: updated.data.html_url };
  }
  const created = await call(`comment on PR #${where.pr}`, () => gh.rest.issues.createComment({ owner: where.owner, repo: where.repo, issue_number: where.pr, body: text }));
  return { id: created.data.id, created: true, url: created.data.html_url };
}
