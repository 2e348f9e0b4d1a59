// The GitHub client: @octokit/rest with retries (5xx, network) and throttling (GitHub's rate limits,
// primary and secondary), a token from GITHUB_TOKEN and the API URL from GITHUB_API_URL (GitHub
// Enterprise). Failures become GitOpsErrors that say what to do.
import { retry } from "@octokit/plugin-retry";
import { throttling } from "@octokit/plugin-throttling";
import { Octokit } from "@octokit/rest";
import { GitOpsError } from "../errors.ts";

const GitHubOctokit = Octokit.plugin(retry, throttling);
export type GitHub = InstanceType<typeof GitHubOctokit>;

export interface RepoRef { owner: string; repo: string }

export function parseRepo(text: string): RepoRef | undefined {
  const match = /^([\w.-]+)\/([\w.-]+)$/.exec(text);
  return match ? { owner: match[1]!, repo: match[2]! } : undefined;
}

export function createGitHub(env: NodeJS.ProcessEnv = process.env): GitHub {
  const token = env.GITHUB_TOKEN?.trim();
  if (!token) throw new GitOpsError("GITHUB_TOKEN is not set: the PR bot needs a token (in Actions: env GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }})");
  return new GitHubOctokit({
    auth: token,
    baseUrl: (env.GITHUB_API_URL ?? "https://api.github.com").replace(/\/+$/, ""),
    userAgent: "typemesh",
    // No console output from Octokit: failures reach the user once, as our errors.
    log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
    request: { retries: 2, retryAfter: 1 },
    throttle: {
      onRateLimit: (_after: number, _options: unknown, _octokit: unknown, retryCount: number) => retryCount < 2,
      onSecondaryRateLimit: (_after: number, _options: unknown, _octokit: unknown, retryCount: number) => retryCount < 1,
    },
  });
}

/** Turns Octokit's RequestError into a message a user can act on. */
export function explain(error: unknown, what: string): GitOpsError {
  const status = (error as { status?: number }).status;
  const message = (error as { response?: { data?: { message?: string } } }).response?.data?.message ?? (error as Error).message;
  if (status === 401) return new GitOpsError(`GitHub refused the token while trying to ${what} (401 ${message}): check GITHUB_TOKEN`);
  if (status === 403) return new GitOpsError(`GitHub denied ${what} (403 ${message}): the token lacks a permission (pull-requests: write, checks: write, contents: write for pr)`);
  if (status === 404) return new GitOpsError(`GitHub found nothing while trying to ${what} (404): check --repo, --pr, and that the token can see the repository`);
  if (status === 422) return new GitOpsError(`GitHub rejected ${what} (422 ${message})`);
  if (status === undefined) return new GitOpsError(`cannot reach GitHub to ${what}: ${message}`);
  return new GitOpsError(`GitHub failed to ${what} (${status} ${message})`);
}

export async function call<T>(what: string, request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    throw explain(error, what);
  }
}
