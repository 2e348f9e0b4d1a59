// typemesh init [dir]: scaffold a policies directory a new user can start from, and check it compiles.
import type { Command } from "commander";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { CommandError } from "./errors.ts";

export const SCAFFOLD: Record<string, string> = {
  "mesh.policy.ts": `// Mesh-wide defaults: one file declares them.
import { defineMesh } from "typemesh";

export const mesh = defineMesh({ trustDomain: "cluster.local", mtls: "strict" });
`,
  "web.policy.ts": `// The service your users reach first.
import { defineService } from "typemesh";

export const web = defineService({
  name: "web",
  namespace: "default",
  port: 8080,
  versions: { v1: {} },
  routes: [{ name: "all", to: "v1", timeout: "5s" }],
});
`,
  "api.policy.ts": `// An API with a canary: 10% of requests go to v2. Only web may call it.
import { defineService } from "typemesh";
import { web } from "./web.policy";

export const api = defineService({
  name: "api",
  namespace: "default",
  port: 8080,
  versions: { v1: {}, v2: { labels: { track: "canary" } } },
  routes: [
    {
      name: "reads",
      match: { method: ["GET", "HEAD"] },
      split: { v1: 90, v2: 10 },
      timeout: "2s",
      retries: { attempts: 2, perTryTimeout: "500ms", retryOn: ["5xx", "reset"] },
    },
    { name: "writes", split: { v1: 90, v2: 10 }, timeout: "5s" },
  ],
  authorization: { allow: [{ from: [web] }] },
});
`,
};

export function scaffold(dir: string, force = false): string[] {
  const root = path.resolve(dir);
  const clashes = Object.keys(SCAFFOLD).filter((name) => existsSync(path.join(root, name)));
  if (clashes.length > 0 && !force) {
    throw new CommandError(`${root} already has ${clashes.join(", ")}; nothing written (use --force to overwrite)`);
  }
  mkdirSync(root, { recursive: true });
  return Object.entries(SCAFFOLD).map(([name, content]) => {
    writeFileSync(path.join(root, name), content);
    return path.join(root, name);
  });
}

export function registerInit(program: Command): void {
  program
    .command("init")
    .description("scaffold a policies directory to start from")
    .argument("[dir]", "directory to create", "policies")
    .option("--force", "overwrite files that already exist")
    .action((dir: string, opts: { force?: boolean }) => {
      const written = scaffold(dir, opts.force);
      for (const file of written) process.stdout.write(`created ${path.relative(process.cwd(), file)}\n`);
      process.stdout.write(`\nNext: typemesh check ${dir} && typemesh build ${dir}\n`);
    });
}
