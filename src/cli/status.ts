// typemesh status: every proxy with its config version and sync state, like `istioctl proxy-status`.
import type { Command } from "commander";
import { paletteFor } from "../compiler/diagnostics/palette.ts";
import type { HistoryEntry } from "../runtime/control-plane/bundle-store.ts";
import type { ProxyStatus } from "../runtime/control-plane/proxy-sessions.ts";
import { adminRequest } from "./admin-client.ts";
import { adminToken } from "./options.ts";

export function renderStatus(status: { bundle?: HistoryEntry; proxies: ProxyStatus[] }, color = paletteFor(process.stdout)): string {
  const lines = [status.bundle ? `bundle ${status.bundle.version} applied ${status.bundle.appliedAt} from ${status.bundle.source}` : "no bundle applied", ""];
  const rows = [["PROXY", "SERVICE", "VERSION", "ADDRESS", "CONFIG", "STATE"], ...status.proxies.map((p) => [
    p.id, p.service, p.version, p.address, p.configVersion ?? "-", p.state,
  ])];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const [i, row] of rows.entries()) {
    const text = row.map((cell, j) => cell.padEnd(widths[j]!)).join("  ").trimEnd();
    const state = row[5];
    lines.push(i === 0 ? color.dim(text) : state === "SYNCED" ? text : state === "NACKED" ? color.red(text) : color.yellow(text));
    const proxy = status.proxies[i - 1];
    if (proxy?.error) lines.push(color.red(`    rejected: ${proxy.error}`));
  }
  if (status.proxies.length === 0) lines.push("(no proxies connected)");
  return lines.join("\n");
}

export function registerStatus(program: Command): void {
  program
    .command("status")
    .description("list every proxy: service, version, config version, SYNCED / STALE / NACKED")
    .option("--control-plane <url>", "control plane URL", "http://127.0.0.1:15010")
    .option("--token <token>", "admin token (or TYPEMESH_ADMIN_TOKEN)")
    .option("--format <format>", "text or json", "text")
    .action(async (opts: { controlPlane: string; token?: string; format: string }) => {
      const status = await adminRequest<{ bundle?: HistoryEntry; proxies: ProxyStatus[] }>(opts.controlPlane, adminToken(opts.token), "GET", "/api/status");
      process.stdout.write(opts.format === "json" ? `${JSON.stringify(status)}\n` : `${renderStatus(status)}\n`);
    });
}
