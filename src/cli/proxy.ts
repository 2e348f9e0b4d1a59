// typemesh proxy: run a sidecar for one workload.
import { Option, type Command } from "commander";
import { parseHostPort, parseNonNegativeInt, parsePort, parsePositiveInt } from "./options.ts";
import { DEFAULT_OLD_GENERATION_BUDGET_MB, setSidecarV8Flags, TUNINGS, type Tuning } from "./proxy-v8-flags.ts";
import { SIDECAR_MALLOC_LINE } from "./sidecar-environment.ts";
import { keepTickObjectShape } from "./tick-object-shape.ts";

interface Options {
  service: string; version: string; app: { host: string; port: number }; controlPlane: string; host: string;
  outbound: number; inbound: number; admin: number; stateDir: string; id?: string; joinToken?: string; maxViewBytes: number; mtls: boolean; oldGenerationBudget: number; tune: Tuning;
}

export function registerProxy(program: Command): void {
  program
    .command("proxy")
    .description("run a sidecar proxy for one workload")
    .requiredOption("--service <name>", "the workload's service (name or namespace/name)")
    .requiredOption("--version <version>", "the workload's version")
    .requiredOption("--app <host:port>", "where the application listens", parseHostPort)
    .option("--control-plane <url>", "control plane URL", "http://127.0.0.1:15010")
    .option("--host <address>", "address the listeners bind and register", "127.0.0.1")
    .option("--outbound <port>", "outbound listener port (the app's HTTP_PROXY)", parsePort, 15001)
    .option("--inbound <port>", "inbound listener port (other proxies send here)", parsePort, 15006)
    .option("--admin <port>", "admin port: /ready /config_dump /metrics", parsePort, 15000)
    .option("--state-dir <dir>", "where the last good config, the workload key and certificate are kept", ".typemesh/proxy")
    .option("--id <id>", "proxy id (default: service-version-random)")
    .option("--join-token <token>", "join token bound to this service (or TYPEMESH_JOIN_TOKEN); later reconnects prove the certificate instead")
    .option("--no-mtls", "a plaintext proxy: no workload certificate, plaintext to and from peers (docs/security.md)")
    .option("--max-view-bytes <n>", "refuse config views larger than this", parsePositiveInt, 16 * 1024 * 1024)
    .addOption(new Option("--tune <profile>", "memory: stay small (V8's young generation bounded, the HTTP parser compiled at start with little memory); throughput: about 6% less CPU per request at saturation, for 15 MB or more at peak").choices(TUNINGS).default("memory"))
    .option("--old-generation-budget <MB>", "force a full GC once V8's old generation has grown this many MB past the last one; 0 (the default) leaves it to V8, tuned to collect early", parseNonNegativeInt, DEFAULT_OLD_GENERATION_BUDGET_MB)
    .addHelpText("after", `
Deploy with ${SIDECAR_MALLOC_LINE} in the
environment: glibc's default of eight malloc arenas per core, and its thresholds that rise as large
blocks are freed, keep several MB more resident under load (docs/cli.md, "typemesh proxy").`)
    .action(async (opts: Options) => {
      await keepTickObjectShape(); // before setSidecarV8Flags asks for a full GC
      setSidecarV8Flags({ oldGenerationBudgetMb: opts.oldGenerationBudget, tune: opts.tune });
      // The runtime is loaded when the command runs, after V8's flags are set (and not by `typemesh --help`).
      const { Proxy } = await import("../runtime/proxy/proxy.ts");
      const joinToken = opts.joinToken ?? process.env.TYPEMESH_JOIN_TOKEN;
      const proxy = new Proxy({
        service: opts.service, version: opts.version, app: opts.app, controlPlane: opts.controlPlane, host: opts.host,
        outboundPort: opts.outbound, inboundPort: opts.inbound, adminPort: opts.admin, stateDir: opts.stateDir,
        maxViewBytes: opts.maxViewBytes, mtls: opts.mtls,
        ...(opts.id && { id: opts.id }), ...(joinToken && { joinToken }),
        log: (line) => process.stdout.write(`[${opts.service} ${opts.version}] ${line}\n`),
      });
      const ports = await proxy.start();
      process.stdout.write(`proxy ${proxy.id} outbound ${opts.host}:${ports.outbound} inbound ${opts.host}:${ports.inbound} admin ${opts.host}:${ports.admin}\n`);
      const stop = async () => {
        await proxy.close();
        process.exit(0);
      };
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    });
}
