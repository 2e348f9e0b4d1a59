// Git for plan and pr, through simple-git: find the repository, resolve a ref, check a ref out into a
// temporary worktree (the user's checkout is never touched), and read what is uncommitted.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { simpleGit, type SimpleGit } from "simple-git";
import { GitOpsError } from "./errors.ts";

export function git(dir: string): SimpleGit {
  return simpleGit({ baseDir: dir, config: ["core.quotepath=off"] });
}

export async function repositoryRoot(dir: string): Promise<string> {
  try {
    return (await git(dir).revparse(["--show-toplevel"])).trim();
  } catch {
    throw new GitOpsError(`${dir} is not inside a git repository: plan compares against a git ref`);
  }
}

/** The commit a ref names, or a GitOpsError that says what to do. */
export async function resolveCommit(root: string, ref: string): Promise<string> {
  // rev-parse --quiet exits 1 with no output for an unknown ref, which simple-git does not always throw on.
  const commit = await git(root).raw(["rev-parse", "--verify", "--quiet", "--end-of-options", `${ref}^{commit}`]).catch(() => "");
  if (!/^[0-9a-f]{40,64}$/.test(commit.trim())) {
    throw new GitOpsError(`base ref ${JSON.stringify(ref)} does not exist in ${root} (in CI, fetch it first: actions/checkout with fetch-depth: 0)`);
  }
  return commit.trim();
}

/** Checks `commit` out, detached, into a new temporary directory; pair with removeWorktree. */
export async function addWorktree(root: string, commit: string): Promise<string> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "typemesh-base-"));
  await git(root).raw(["worktree", "add", "--detach", "--quiet", dir, commit]);
  return dir;
}

export async function removeWorktree(root: string, dir: string): Promise<void> {
  const repo = git(root);
  await repo.raw(["worktree", "remove", "--force", dir]).catch(() => rmSync(dir, { recursive: true, force: true }));
  await repo.raw(["worktree", "prune"]).catch(() => undefined);
}

/** Paths (relative to the root) with uncommitted changes, untracked files included. */
export async function uncommittedPaths(root: string): Promise<string[]> {
  const status = await git(root).status(["--untracked-files=all"]);
  return status.files.map((f) => f.path).sort();
}

export async function currentBranch(root: string): Promise<string | undefined> {
  const name = (await git(root).raw(["rev-parse", "--abbrev-ref", "HEAD"])).trim();
  return name === "HEAD" ? undefined : name;
}
