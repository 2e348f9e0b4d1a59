// typemesh simulate: what the mesh would do with one request, by the reference semantics.
import type { Command } from "commander";
import { simulate, type SimulatedOutcome, type SimulatedRequest } from "../compiler/simulate/simulate.ts";
import { formatDuration } from "../compiler/units.ts";
import { UsageError } from "./errors.ts";
import { loadIR } from "./load-ir.ts";
import { paletteFor, type Palette } from "../compiler/diagnostics/palette.ts";

function parseHeader(text: string, into: Record<string, string>): Record<string, string> {
  const colon = text.indexOf(":");
  if (colon <= 0) throw new UsageError(`header ${JSON.stringify(text)} is not "name: value"`);
  into[text.slice(0, colon).trim()] = text.slice(colon + 1).trim();
  return into;
}

const at = (s?: { file: string; line: number; column: number }) => (s ? ` (${s.file}:${s.line}:${s.column})` : "");

export function renderOutcome(request: SimulatedRequest, o: SimulatedOutcome, p: Palette): string {
  const rows: [string, string][] = [
    ["request", `${request.method ?? "GET"} ${request.path ?? "/"}  ${request.from ?? "(plaintext client)"} → ${o.service ?? request.to}`],
  ];
  if (o.error === "unknown-service") rows.push(["result", p.red(`404: no service ${request.to} in the mesh`)]);
  if (o.error === "unknown-caller") rows.push(["result", p.red(`403: no service ${request.from} in the mesh`)]);
  if (o.route) rows.push(["route", `#${o.route.index + 1} ${o.route.name}${at(o.route.source)}`]);
  if (o.destinations.length > 0) rows.push(["send to", o.destinations.map((d) => `${d.version} ${d.weight}%`).join(" · ") + (o.version && o.destinations.length > 1 ? `  → ${o.version}` : "")]);
  if (o.timeoutMs !== undefined) rows.push(["timeout", formatDuration(o.timeoutMs)]);
  if (o.retries) {
    const r = o.retries;
    const on = [...r.retryOn, ...r.retryOnStatus.map(String)].join(", ");
    rows.push(["retries", `${r.attempts}${r.perTryTimeoutMs !== undefined ? ` × ${formatDuration(r.perTryTimeoutMs)}` : ""} on ${on}; backoff ${formatDuration(r.backoff.baseMs)}–${formatDuration(r.backoff.maxMs)}${r.retryNonIdempotent ? "; non-idempotent allowed" : ""}`]);
  }
  if (o.fault?.delay) rows.push(["fault", `delay ${formatDuration(o.fault.delay.fixedMs)} for ${o.fault.delay.percent}%`]);
  if (o.fault?.abort) rows.push(["fault", `abort ${o.fault.abort.status} for ${o.fault.abort.percent}%`]);
  if (o.mirror) rows.push(["mirror", `${o.mirror.percent}% to ${o.mirror.service}${o.mirror.version ? ` ${o.mirror.version}` : ""}`]);
  for (const [label, changes] of [["request hdr", o.requestHeaders], ["response hdr", o.responseHeaders]] as const) {
    if (!changes) continue;
    const parts = [
      ...Object.entries(changes.set).map(([k, v]) => `set ${k}: ${v}`),
      ...Object.entries(changes.add).map(([k, v]) => `add ${k}: ${v}`),
      ...changes.remove.map((k) => `remove ${k}`),
    ];
    if (parts.length) rows.push([label, parts.join("; ")]);
  }
  if (o.authorization) {
    const a = o.authorization;
    const text = `${a.decision.toUpperCase()} (${a.reason}${a.rule ? `: ${a.rule.action} rule #${a.rule.index + 1}${at(a.rule.source)}` : ""})`;
    rows.push(["authz", a.decision === "allow" ? p.green(text) : p.red(text)]);
  }
  if (o.error === "no-route") rows.push(["result", p.red("404: no route matches")]);
  else if (o.error === "denied") rows.push(["result", p.red("403: denied")]);
  else if (o.error === "mtls-required") rows.push(["result", p.red("connection refused: the service requires mTLS")]);
  else if (!o.error) rows.push(["result", p.green("reaches the application")]);
  return rows.map(([k, v]) => `${p.dim(k.padEnd(12))} ${v}`).join("\n");
}

export function registerSimulate(program: Command): void {
  program
    .command("simulate")
    .description("show what the mesh does with one request")
    .argument("[dir]", "policies directory", "policies")
    .requiredOption("--to <service>", "destination service (name, name.namespace or namespace/name)")
    .option("--from <service>", "calling service; leave out for a plaintext client outside the mesh")
    .option("--method <method>", "HTTP method", "GET")
    .option("--path <path>", "path with optional query string", "/")
    .option("-H, --header <name: value>", "request header (repeatable)", parseHeader, {})
    .option("--sample <n>", "a number in [0, 100) that picks a split's destination")
    .option("--bundle <file>", "simulate a built bundle instead of compiling the directory")
    .option("--format <format>", "text or json", "text")
    .action(async (dir: string, opts: { to: string; from?: string; method: string; path: string; header: Record<string, string>; sample?: string; bundle?: string; format: string }) => {
      if (!["text", "json"].includes(opts.format)) throw new UsageError(`--format must be text or json, not ${opts.format}`);
      const sample = opts.sample === undefined ? undefined : Number(opts.sample);
      if (sample !== undefined && !(sample >= 0 && sample < 100)) throw new UsageError("--sample must be a number in [0, 100)");
      const ir = await loadIR(dir, opts.bundle);
      const request: SimulatedRequest = {
        to: opts.to, method: opts.method.toUpperCase(), path: opts.path, headers: opts.header,
        ...(opts.from !== undefined && { from: opts.from }), ...(sample !== undefined && { sample }),
      };
      const outcome = simulate(ir, request);
      process.stdout.write(opts.format === "json"
        ? `${JSON.stringify({ request, outcome })}\n`
        : `${renderOutcome(request, outcome, paletteFor(process.stdout))}\n`);
    });
}
