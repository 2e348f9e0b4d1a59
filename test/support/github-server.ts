// A local stand-in for api.github.com on 127.0.0.1: every request is checked against GitHub's REST
// description (openapi-validator.ts) and recorded; the few operations typemesh uses keep state in
// memory (repository, pull requests, issue comments, check runs), enough to test the PR bot end to end.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { checkRequest } from "./openapi-validator.ts";

export interface RecordedRequest { method: string; path: string; operationId?: string; body?: unknown; status: number; problems: string[] }
export interface PullRequest { number: number; title: string; body: string; head: { ref: string; sha: string }; base: { ref: string }; state: "open" | "closed" }
export interface IssueComment { id: number; issue: number; body: string }
export interface CommitStatusRecord { sha: string; state: string; context: string; description?: string }
export interface CheckRun { id: number; name: string; head_sha: string; conclusion?: string; output: { title?: string; summary?: string; annotations: object[] } }

export interface FakeGitHub {
  url: string;
  requests: RecordedRequest[];
  pulls: PullRequest[];
  comments: IssueComment[];
  checkRuns: CheckRun[];
  statuses: CommitStatusRecord[];
  close(): Promise<void>;
}

export interface FakeGitHubOptions {
  owner: string;
  repo: string;
  token: string;
  defaultBranch?: string;
  /** The commit a branch of the repository points at (the tests read their bare remote). */
  branchSha: (branch: string) => string;
  /** Pull requests that merged a commit (GET /commits/{sha}/pulls); none by default. */
  pullsOfCommit?: (sha: string) => number[];
}

const COMMENT_LIMIT = 65_536;

export async function startFakeGitHub(options: FakeGitHubOptions): Promise<FakeGitHub> {
  const state = { requests: [] as RecordedRequest[], pulls: [] as PullRequest[], comments: [] as IssueComment[], checkRuns: [] as CheckRun[], statuses: [] as CommitStatusRecord[] };
  let nextId = 1000;
  const base = `/repos/${options.owner}/${options.repo}`;
  const html = (path: string) => `https://github.example/${options.owner}/${options.repo}${path}`;
  const pullJson = (p: PullRequest) => ({ ...p, id: p.number + 500, html_url: html(`/pull/${p.number}`), head: { ...p.head, sha: options.branchSha(p.head.ref) } });
  const commentJson = (c: IssueComment) => ({ id: c.id, body: c.body, html_url: html(`/pull/${c.issue}#issuecomment-${c.id}`) });

  function handle(method: string, url: URL, body: Record<string, unknown> | undefined): [number, unknown] {
    const route = `${method} ${url.pathname.startsWith(base) ? url.pathname.slice(base.length) || "/" : url.pathname}`;
    let m: RegExpExecArray | null;
    if (route === "GET /") return [200, { id: 1, name: options.repo, full_name: `${options.owner}/${options.repo}`, default_branch: options.defaultBranch ?? "main" }];
    if (route === "GET /pulls") {
      const head = url.searchParams.get("head")?.split(":").pop();
      return [200, state.pulls.filter((p) => p.state === (url.searchParams.get("state") ?? "open") && (!head || p.head.ref === head)).map(pullJson)];
    }
    if (route === "POST /pulls") {
      const pr: PullRequest = { number: state.pulls.length + 1, title: String(body!.title), body: String(body!.body ?? ""), head: { ref: String(body!.head), sha: "" }, base: { ref: String(body!.base) }, state: "open" };
      if (String(body!.body ?? "").length > COMMENT_LIMIT) return [422, { message: "Validation Failed: body is too long (maximum is 65536 characters)" }];
      state.pulls.push(pr);
      return [201, pullJson(pr)];
    }
    if ((m = /^(GET|PATCH) \/pulls\/(\d+)$/.exec(route))) {
      const pr = state.pulls.find((p) => p.number === Number(m![2]));
      if (!pr) return [404, { message: "Not Found" }];
      if (m[1] === "PATCH") Object.assign(pr, body!.title !== undefined && { title: body!.title }, body!.body !== undefined && { body: body!.body });
      return [200, pullJson(pr)];
    }
    if ((m = /^(GET|POST) \/issues\/(\d+)\/comments$/.exec(route))) {
      const issue = Number(m[2]);
      if (m[1] === "GET") return [200, state.comments.filter((c) => c.issue === issue).map(commentJson)];
      if (String(body!.body).length > COMMENT_LIMIT) return [422, { message: "Validation Failed: body is too long (maximum is 65536 characters)" }];
      const comment = { id: nextId++, issue, body: String(body!.body) };
      state.comments.push(comment);
      return [201, commentJson(comment)];
    }
    if ((m = /^PATCH \/issues\/comments\/(\d+)$/.exec(route))) {
      const comment = state.comments.find((c) => c.id === Number(m![1]));
      if (!comment) return [404, { message: "Not Found" }];
      if (String(body!.body).length > COMMENT_LIMIT) return [422, { message: "Validation Failed: body is too long (maximum is 65536 characters)" }];
      comment.body = String(body!.body);
      return [200, commentJson(comment)];
    }
    if (route === "POST /check-runs") {
      const output = (body!.output ?? {}) as CheckRun["output"];
      const run: CheckRun = { id: nextId++, name: String(body!.name), head_sha: String(body!.head_sha), ...(body!.conclusion !== undefined && { conclusion: String(body!.conclusion) }), output: { ...output, annotations: [...(output.annotations ?? [])] } };
      state.checkRuns.push(run);
      return [201, { id: run.id, html_url: html(`/runs/${run.id}`) }];
    }
    if ((m = /^PATCH \/check-runs\/(\d+)$/.exec(route))) {
      const run = state.checkRuns.find((r) => r.id === Number(m![1]));
      if (!run) return [404, { message: "Not Found" }];
      const output = (body!.output ?? {}) as CheckRun["output"];
      run.output.annotations.push(...(output.annotations ?? []));
      return [200, { id: run.id, html_url: html(`/runs/${run.id}`) }];
    }
    if ((m = /^POST \/statuses\/([0-9a-f]{7,40})$/.exec(route))) {
      const status = { sha: m[1]!, state: String(body!.state), context: String(body!.context ?? "default"), ...(body!.description !== undefined && { description: String(body!.description) }) };
      state.statuses.push(status);
      return [201, { id: nextId++, ...status }];
    }
    if ((m = /^GET \/commits\/([0-9a-f]{7,40})\/pulls$/.exec(route))) {
      const numbers = options.pullsOfCommit?.(m[1]!) ?? [];
      return [200, numbers.map((n) => state.pulls.find((p) => p.number === n)).filter((p): p is PullRequest => !!p).map(pullJson)];
    }
    return [404, { message: "Not Found (not simulated by the test server)" }];
  }

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const text = Buffer.concat(chunks).toString("utf8");
      let body: Record<string, unknown> | undefined;
      const problems: string[] = [];
      try { body = text ? JSON.parse(text) as Record<string, unknown> : undefined; } catch { problems.push("body is not JSON"); }
      const matched = checkRequest(req.method ?? "GET", url, body);
      if (!matched) problems.push(`no operation ${req.method} ${url.pathname} in GitHub's REST description`);
      else problems.push(...matched.problems);
      const auth = req.headers.authorization ?? "";
      let status: number, payload: unknown;
      if (auth !== `token ${options.token}` && auth !== `Bearer ${options.token}`) [status, payload] = [401, { message: "Bad credentials" }];
      else if (problems.length > 0) [status, payload] = [422, { message: `Validation Failed: ${problems.join("; ")}` }];
      else [status, payload] = handle(req.method ?? "GET", url, body);
      state.requests.push({ method: req.method ?? "GET", path: `${url.pathname}${url.search}`, ...(matched && { operationId: matched.operationId }), ...(body !== undefined && { body }), status, problems });
      res.writeHead(status, { "content-type": "application/json", "x-ratelimit-remaining": "4999", "x-ratelimit-limit": "5000", "x-ratelimit-reset": String(Math.floor(Date.now() / 1000) + 3600) });
      res.end(JSON.stringify(payload));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`, ...state,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
