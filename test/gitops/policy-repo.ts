// Real git repositories for the GitOps tests: a bare remote on disk and a clone whose policies/ starts
// as test/fixtures/plan/base, plus a way to run the CLI in that clone as a user would.
import { spawn } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { simpleGit } from "simple-git";

const bin = path.resolve("bin/typemesh.js");
const fixture = path.resolve("test/fixtures/plan/base");

export interface PolicyRepo {
  /** Scratch space outside the clone (plan.json goes here so the clone stays clean). */
  scratch: string;
  remote: string;
  clone: string;
  git: ReturnType<typeof simpleGit>;
  edit(file: string, change: (text: string) => string): void;
  remoteSha(branch: string): string;
  dispose(): void;
}

export async function createPolicyRepo(): Promise<PolicyRepo> {
  const scratch = mkdtempSync(path.join(os.tmpdir(), "typemesh-gitops-"));
  const remote = path.join(scratch, "remote.git"), clone = path.join(scratch, "clone");
  await simpleGit().raw(["init", "--quiet", "--bare", "--initial-branch=main", remote]);
  mkdirSync(clone);
  const git = simpleGit(clone);
  await git.raw(["init", "--quiet", "--initial-branch=main"]);
  await git.addConfig("user.name", "Policy Author").addConfig("user.email", "author@example.com").addConfig("commit.gpgsign", "false");
  cpSync(fixture, path.join(clone, "policies"), { recursive: true });
  writeFileSync(path.join(clone, "README.md"), "# mesh policies\n");
  await git.add(".").commit("Initial policies").addRemote("origin", remote).push("origin", "main", ["--set-upstream"]);
  return {
    scratch, remote, clone, git,
    edit(file, change) {
      const target = path.join(clone, "policies", file);
      writeFileSync(target, change(readFileSync(target, "utf8")));
    },
    remoteSha(branch) {
      try {
        return readFileSync(path.join(remote, "refs", "heads", branch), "utf8").trim();
      } catch {
        return "";
      }
    },
    dispose: () => rmSync(scratch, { recursive: true, force: true }),
  };
}

export interface CliRun { code: number; stdout: string; stderr: string }

export function runCli(cwd: string, args: string[], env: Record<string, string | undefined> = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const merged: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1", ...env };
    for (const [k, v] of Object.entries(env)) if (v === undefined) delete merged[k];
    const child = spawn(process.execPath, [bin, ...args], { cwd, env: merged, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "", stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c));
    child.stderr.on("data", (c: Buffer) => (stderr += c));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}
