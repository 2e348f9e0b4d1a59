// GitOps pull: polls a git repository's branch and compiles the policies of each new commit. The
// checkout lives in the control plane's state directory; nothing is ever pushed.
import { mkdirSync, existsSync } from "node:fs";
import path from "node:path";
import { simpleGit } from "simple-git";
import { createBundle } from "../../../compiler/emit/bundle.ts";
import { compilePolicies } from "../../../compiler/compile.ts";
import { formatDiagnostics } from "../../../compiler/diagnostics/format.ts";
import type { BundleSource, SourceSink } from "./types.ts";

export interface GitSourceOptions {
  repository: string;
  branch: string;
  /** Policies directory inside the repository. */
  path: string;
  workDir: string;
  intervalMs: number;
}

export function gitSource(options: GitSourceOptions): BundleSource {
  const checkout = path.join(options.workDir, "checkout");
  let timer: NodeJS.Timeout | undefined;
  let lastCommit: string | undefined;
  let running: Promise<void> = Promise.resolve();
  const poll = async (sink: SourceSink) => {
    const origin = `git:${options.repository}@${options.branch}`;
    try {
      if (!existsSync(path.join(checkout, ".git"))) {
        mkdirSync(options.workDir, { recursive: true });
        await simpleGit().clone(options.repository, checkout, ["--branch", options.branch, "--single-branch"]);
      }
      const git = simpleGit(checkout);
      await git.fetch("origin", options.branch);
      const commit = (await git.revparse([`origin/${options.branch}`])).trim();
      if (commit === lastCommit) return;
      await git.checkout(["--force", "--detach", commit]);
      lastCommit = commit;
      const dir = path.join(checkout, options.path);
      const result = await compilePolicies(dir);
      if (!result.ir) {
        sink.problem(`${origin}@${commit.slice(0, 12)}`, formatDiagnostics(dir, result.diagnostics));
        return;
      }
      sink.bundle(createBundle(result.ir), `git:${options.repository}@${commit.slice(0, 12)}`);
    } catch (error) {
      sink.problem(origin, `git poll failed: ${(error as Error).message}`);
    }
  };
  return {
    description: `git ${options.repository} branch ${options.branch} (${options.path}), every ${options.intervalMs} ms`,
    async start(sink) {
      await poll(sink);
      const again = () => {
        timer = setTimeout(() => { running = poll(sink).finally(again); }, options.intervalMs);
      };
      again();
    },
    async stop() {
      clearTimeout(timer);
      await running;
    },
  };
}
