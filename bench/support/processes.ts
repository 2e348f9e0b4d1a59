// Child processes for the runtime benchmarks: the control plane, proxies and upstreams run as their own
// processes (through the CLI), so that each one's RSS and CPU are its own and the load generator's event
// loop is nobody else's. Each child is waited for by a line it prints, and killed by its own pid.
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { percentile } from "./stats.ts";

export const repo = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");
export const CLI = path.join(repo, "bin/typemesh.js");

export interface Child {
  name: string;
  process: ChildProcess;
  output(): string;
  /** Resolves with the first match of `pattern` in the output (stdout and stderr). */
  waitFor(pattern: RegExp, limitMs?: number): Promise<RegExpMatchArray>;
  stop(): Promise<void>;
}

export function startChild(name: string, command: string, args: string[], env: NodeJS.ProcessEnv = {}): Child {
  const child = spawn(command, args, { cwd: repo, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NO_COLOR: "1", ...env } });
  let output = "";
  const keep = (chunk: Buffer) => { output = (output + chunk.toString()).slice(-200_000); };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  return {
    name,
    process: child,
    output: () => output,
    async waitFor(pattern, limitMs = 60_000) {
      const deadline = Date.now() + limitMs;
      for (;;) {
        const match = pattern.exec(output);
        if (match) return match;
        if (child.exitCode !== null) throw new Error(`${name} exited (${child.exitCode}) before printing ${pattern}:\n${output}`);
        if (Date.now() > deadline) throw new Error(`${name} did not print ${pattern} within ${limitMs} ms:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** `typemesh <args>` as a child process (node with tsx, as bin/typemesh.js runs it). */
export function startCli(name: string, args: string[], nodeFlags: string[] = [], env: NodeJS.ProcessEnv = {}): Child {
  return startChild(name, process.execPath, [...nodeFlags, CLI, ...args], env);
}

/**
 * A process's resident memory from /proc: now, at its peak (VmHWM), and now split into anonymous memory
 * (heaps, buffers, malloc) and file-backed pages (the node binary's code and data that were touched).
 */
export function memoryOf(pid: number | undefined): { rssMb: number; peakMb: number; anonMb: number; fileMb: number } | undefined {
  if (pid === undefined) return undefined;
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN);
    return { rssMb: kb("VmRSS") / 1024, peakMb: kb("VmHWM") / 1024, anonMb: kb("RssAnon") / 1024, fileMb: kb("RssFile") / 1024 };
  } catch {
    return undefined;
  }
}

/** What a process's resident memory was through a run: the median and 90th percentile of its samples. */
export interface RssSpread {
  medianMb: number;
  p90Mb: number;
  samples: number;
}

/**
 * Samples each process's VmRSS every `everyMs` until stopped. A peak (VmHWM) says where a process's
 * memory reached once, which for a Node.js process is where its old generation stood before a full GC;
 * the spread says where it spent the run.
 */
export function sampleRss(pids: Record<string, number | undefined>, everyMs = 250): { stop(): Record<string, RssSpread | undefined> } {
  const samples = new Map<string, number[]>(Object.keys(pids).map((name) => [name, []]));
  const timer = setInterval(() => {
    for (const [name, pid] of Object.entries(pids)) {
      const rss = memoryOf(pid)?.rssMb;
      if (rss !== undefined && Number.isFinite(rss)) samples.get(name)!.push(rss);
    }
  }, everyMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      return Object.fromEntries([...samples].map(([name, values]) => {
        const sorted = [...values].sort((a, b) => a - b);
        return [name, sorted.length === 0 ? undefined : { medianMb: percentile(sorted, 50), p90Mb: percentile(sorted, 90), samples: sorted.length }];
      }));
    },
  };
}

/** CPU time (user + system) a process has used so far, in milliseconds, from /proc. */
export function cpuTimeOf(pid: number): number {
  // Fields after the command's closing parenthesis: utime and stime are the 12th and 13th, in clock ticks.
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  const ticksPerSecond = 100; // USER_HZ on Linux
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
}

/** What a result needs to say about where it was measured. */
export function machine(): { cpus: number; cpuModel: string; memoryGb: number; node: string; load: string } {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? "unknown",
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    load: os.loadavg().map((n) => n.toFixed(1)).join(" "),
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
