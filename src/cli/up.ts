// typemesh up (npm start): the demo mesh. Compiles and watches policies/, runs every demo workload
// behind its own sidecar with bounded traffic, prints where to look, and stops cleanly on Ctrl-C.
import type { Command } from "commander";
import path from "node:path";
import type { DemoMesh } from "../../examples/demo-mesh.ts";
import { paletteFor } from "../compiler/diagnostics/palette.ts";
import { parsePort, parsePositiveInt } from "./options.ts";

function parseSeconds(text: string): number {
  return parsePositiveInt(text) * 1000;
}

function summary(mesh: DemoMesh): string {
  const { stats } = mesh.traffic;
  const answered = Object.values(stats.byStatus).reduce((a, b) => a + b, 0);
  const ok = Object.entries(stats.byStatus).filter(([s]) => Number(s) >= 200 && Number(s) < 400).reduce((a, [, n]) => a + n, 0);
  const codes = Object.entries(stats.byStatus).sort().map(([s, n]) => `${s}×${n}`).join(" ");
  return `traffic: ${stats.sent} sent, ${answered} answered, ${answered ? ((100 * ok) / answered).toFixed(1) : "0.0"}% ok  [${codes}]`;
}

/** What the sidecars' resilience layers did (their typemesh_* counters, summed). */
async function resilienceSummary(mesh: DemoMesh): Promise<string> {
  const t = await mesh.resilience();
  return `resilience: ${t.retries} retries (${t.retriesDenied} refused by the budget or body), ${t.timeouts} timeouts, ${t.faults} faults injected, ` +
    `${t.mirrored} mirrored, ${t.ejections} ejections, ${t.circuitOpen} circuit-open`;
}

export function registerUp(program: Command): void {
  program
    .command("up")
    .description("run the demo mesh: control plane, demo services behind sidecars, traffic (npm start)")
    .argument("[dir]", "policies directory", "policies")
    .option("--port <port>", "control plane port", parsePort, 15010)
    .option("--state-dir <dir>", "state of the demo's control plane and proxies", ".typemesh/demo")
    .option("--rate <n>", "requests per second of the traffic generator", parsePositiveInt, 20)
    .option("--duration <seconds>", "stop the traffic (and the demo) after this long", parseSeconds, 600_000)
    .action(async (dir: string, opts: { port: number; stateDir: string; rate: number; duration: number }) => {
      const p = paletteFor(process.stdout);
      const say = (line: string) => process.stdout.write(`${line}\n`);
      const quiet = (line: string) => {
        // Per-proxy config chatter is noise in the demo; policy problems and applied bundles are not.
        if (!line.startsWith("[")) say(line);
      };
      say(`Compiling ${path.resolve(dir)} and starting the demo mesh…`);
      // The whole runtime is loaded when the command runs (check.ts says why).
      const { startDemoMesh } = await import("../../examples/demo-mesh.ts");
      const mesh = await startDemoMesh({
        policies: dir, port: opts.port, stateDir: opts.stateDir, ratePerSecond: opts.rate, durationMs: opts.duration, log: quiet,
      });
      const shopper = mesh.workloads.find((w) => w.service === "shopper")!;
      say("");
      say(p.bold("typemesh demo is running"));
      say(`  control plane   ${mesh.controlPlane.url}   (admin token ${mesh.controlPlane.token})`);
      say(`  dashboard       ${mesh.controlPlane.url}/dashboard/#token=${mesh.controlPlane.token}`);
      say(`  proxy status    TYPEMESH_ADMIN_TOKEN=${mesh.controlPlane.token} node bin/typemesh.js status --control-plane ${mesh.controlPlane.url}`);
      say(`  try a request   curl -s -H 'Host: frontend' http://127.0.0.1:${shopper.ports.outbound}/`);
      say(`  simulate it     node bin/typemesh.js simulate ${dir} --from shopper --to frontend --path /`);
      say(`  mTLS            strict between every sidecar; certificates from the control plane's CA (GET /api/ca)`);
      const denied = mesh.deniedCall;
      say(`  a denied call   ${denied.command}`);
      say(`                  → ${denied.status} ${denied.reason}: ${denied.message.split("\n")[0]}`);
      say(`  resilience      checkout v2, the canary, fails 1 in 5 cart reads with 503: the cart route's retries hide it`);
      say(`                  /deals reads catalog through its chaos route: 50% delayed 200 ms, 10% aborted (the page shows without deals)`);
      say(`                  payments v2 gets a 20% mirror of charges; every app answers late on request, to see a timeout:`);
      say(`                  curl -s -H 'Host: catalog' -H 'x-demo-delay: 3000' http://127.0.0.1:${shopper.ports.outbound}/products/7   (504 after the 900 ms per-try timeout)`);
      say(`  roll out        TYPEMESH_ADMIN_TOKEN=${mesh.controlPlane.token} node bin/typemesh.js rollout start --service catalog --control-plane ${mesh.controlPlane.url}   (add --to v3 for a bad build that rolls back)`);
      say("  workloads (admin: /ready /config_dump /metrics)");
      for (const w of mesh.workloads) say(`    ${`${w.service} ${w.version}`.padEnd(14)} admin http://127.0.0.1:${w.ports.admin}  inbound :${w.ports.inbound}  app :${w.appPort}`);
      say(`  traffic         ${opts.rate} req/s from shopper for ${Math.round(opts.duration / 1000)} s`);
      say(`Edit a file in ${dir}/ and the change is live within a second; a policy with an error changes nothing. Ctrl-C stops.`);
      say("");
      const ticker = setInterval(() => {
        say(summary(mesh));
        void resilienceSummary(mesh).then(say);
      }, 5000);
      let stopping = false;
      const stop = async (why: string) => {
        if (stopping) return;
        stopping = true;
        clearInterval(ticker);
        say(`\n${why}: stopping…`);
        await mesh.stop();
        say(summary(mesh));
        say(await resilienceSummary(mesh));
        say("demo stopped");
        process.exit(0);
      };
      process.once("SIGINT", () => void stop("interrupted"));
      process.once("SIGTERM", () => void stop("terminated"));
      void mesh.traffic.done.then(() => stop("traffic finished"));
    });
}
