// typemesh control-plane: serve bundles to proxies from a policies directory, a bundle file or git.
import { InvalidArgumentError, type Command } from "commander";
import { randomBytes } from "node:crypto";
import path from "node:path";
import type { BundleSource } from "../runtime/control-plane/sources/types.ts";
import { parseDuration } from "../compiler/units.ts";
import { UsageError } from "./errors.ts";
import { adminToken, parsePort, parsePositiveInt } from "./options.ts";

interface Options {
  policies?: string; bundle?: string; git?: string; branch: string; gitPath: string; pollInterval: number;
  host: string; port: number; stateDir: string; token?: string; joinToken: string[]; certLifetime?: number;
  caCert?: string; caKey?: string; rejoinGrace: number;
}

/** `--join-token namespace/name=TOKEN`: a token bound to one service. */
function joinTokens(entries: string[]): Record<string, string> {
  const tokens: Record<string, string> = {};
  for (const entry of entries) {
    const at = entry.indexOf("=");
    const service = entry.slice(0, at);
    if (at < 0 || !/^[^/=\s]+\/[^/=\s]+$/.test(service) || entry.length - at < 17) {
      throw new UsageError(`--join-token takes namespace/name=TOKEN (a token of 16 characters or more), not ${JSON.stringify(entry)}`);
    }
    tokens[entry.slice(at + 1)] = service;
  }
  return tokens;
}

function parseLifetime(text: string): number {
  const ms = parseDuration(text);
  if (ms === undefined || ms < 1000) throw new InvalidArgumentError("a duration of at least 1s, like 24h or 90m");
  return ms;
}

function parseGrace(text: string): number {
  const ms = parseDuration(text);
  if (ms === undefined || ms > 60_000) throw new InvalidArgumentError("a duration of at most 60s, like 3s or 500ms");
  return ms;
}

// The control plane, its CA and its sources are loaded when the command runs, not when `typemesh --help`
// registers it (check.ts says why).
async function chooseSource(opts: Options): Promise<BundleSource | undefined> {
  const given = [opts.policies, opts.bundle, opts.git].filter((s) => s !== undefined);
  if (given.length > 1) throw new UsageError("choose one bundle source: --policies, --bundle or --git");
  if (opts.policies) return (await import("../runtime/control-plane/sources/policies-source.ts")).policiesSource(opts.policies);
  if (opts.bundle) return (await import("../runtime/control-plane/sources/file-source.ts")).fileSource(opts.bundle);
  if (opts.git) {
    return (await import("../runtime/control-plane/sources/git-source.ts")).gitSource({ repository: opts.git, branch: opts.branch, path: opts.gitPath, workDir: path.join(opts.stateDir, "git"), intervalMs: opts.pollInterval });
  }
  return undefined;
}

export function registerControlPlane(program: Command): void {
  program
    .command("control-plane")
    .description("run the control plane: serve config to proxies, admin API, bundle history")
    .option("--policies <dir>", "compile and watch a policies directory")
    .option("--bundle <file>", "watch a bundle file written by `typemesh build`")
    .option("--git <repo>", "poll a git repository (URL or path) for new commits")
    .option("--branch <name>", "branch to follow with --git", "main")
    .option("--git-path <dir>", "policies directory inside the repository", "policies")
    .option("--poll-interval <ms>", "how often to poll git", parsePositiveInt, 5000)
    .option("--host <address>", "address to listen on", "127.0.0.1")
    .option("--port <port>", "port for the config stream and admin API", parsePort, 15010)
    .option("--state-dir <dir>", "bundle history and state", ".typemesh/control-plane")
    .option("--token <token>", "admin API token (or TYPEMESH_ADMIN_TOKEN); generated and printed if absent")
    .option("--join-token <service=token>", "a join token bound to one service, namespace/name=TOKEN (repeatable; more with POST /api/join-tokens)", (v: string, all: string[]) => [...all, v], [] as string[])
    .option("--cert-lifetime <duration>", "workload certificate lifetime; proxies renew at half-life", parseLifetime)
    .option("--ca-cert <file>", "the operator's root certificate (PEM) instead of a generated one; with --ca-key")
    .option("--ca-key <file>", "the root's private key (PKCS#8 PEM, ECDSA P-256)")
    .option("--rejoin-grace <duration>", "after a restart, how long proxies that rejoin keep their own config before views are published (0s: at once)", parseGrace, 3000)
    .action(async (opts: Options) => {
      if ((opts.caCert === undefined) !== (opts.caKey === undefined)) throw new UsageError("--ca-cert and --ca-key go together");
      const source = await chooseSource(opts);
      const token = adminToken(opts.token) ?? randomBytes(16).toString("hex");
      const { ControlPlane } = await import("../runtime/control-plane/control-plane.ts");
      const cp = new ControlPlane({
        stateDir: opts.stateDir, adminToken: token, host: opts.host, port: opts.port,
        joinTokens: joinTokens(opts.joinToken), rejoinGraceMs: opts.rejoinGrace,
        ca: {
          ...(opts.certLifetime !== undefined && { lifetimeMs: opts.certLifetime }),
          ...(opts.caCert && opts.caKey && { operatorRoot: { certFile: opts.caCert, keyFile: opts.caKey } }),
        },
        log: (line) => process.stdout.write(`${line}\n`),
      });
      const { url } = await cp.listen();
      process.stdout.write(`control plane listening on ${url}\n`);
      process.stdout.write(`dashboard: ${url}/dashboard/ (sign in with the admin token)\n`);
      if (!adminToken(opts.token)) process.stdout.write(`admin token: ${token}  (set TYPEMESH_ADMIN_TOKEN to choose one)\n`);
      if (source) {
        process.stdout.write(`bundle source: ${source.description}\n`);
        await source.start({
          bundle: (bundle, origin) => {
            const outcome = cp.apply(bundle, origin);
            if ("error" in outcome) process.stdout.write(`refused bundle from ${origin}: ${outcome.problems.join("; ")}\n`);
          },
          problem: (origin, text) => process.stdout.write(`${origin}: not applied, the bundle in force stays\n${text}\n`),
        });
      } else if (!cp.currentBundle()) {
        process.stdout.write("no bundle yet: apply one with POST /api/bundles or start with --policies/--bundle/--git\n");
      }
      const stop = async () => {
        await source?.stop();
        await cp.close();
        process.exit(0);
      };
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    });
}
