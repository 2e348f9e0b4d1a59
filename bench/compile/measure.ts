// Timing a child process from the outside: wall time from spawn to exit, and the CPU time it used
// (user + system), read from the kernel's account of this process's waited-for children. CPU time is
// what a busy shared machine distorts least; wall time is what a user waits for.
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";

export interface Timed {
  wallMs: number;
  /** undefined where /proc is not available. */
  cpuMs?: number;
  code: number | null;
  stdout: string;
  stderr: string;
}

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** CPU time of this process's terminated, waited-for children (cutime + cstime), in ms. */
function childrenCpuMs(): number | undefined {
  try {
    const stat = readFileSync("/proc/self/stat", "utf8");
    // Fields after the command name, which is in parentheses and may contain spaces.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[13]) + Number(fields[14])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** Runs a command to completion, killing it after timeoutMs. */
export function timeCommand(command: string, args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs: number }): Promise<Timed> {
  const cpuBefore = childrenCpuMs();
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => { stdout += chunk; });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => { stderr += chunk; });
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${command} ${args.join(" ")} took longer than ${options.timeoutMs} ms`));
    }, options.timeoutMs);
    child.on("error", (error) => { clearTimeout(timer); reject(error); });
    child.on("close", (code) => {
      clearTimeout(timer);
      const wallMs = performance.now() - started;
      const cpuAfter = childrenCpuMs();
      const cpuMs = cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore;
      resolve({ wallMs, ...(cpuMs !== undefined && { cpuMs }), code, stdout, stderr });
    });
  });
}

/** Lines a long-running child writes to stdout, awaited one at a time. */
export function lineReader(child: ChildProcess) {
  const lines: { line: string; at: number }[] = [];
  let waiting: ((arrived: { line: string; at: number }) => void) | undefined;
  let buffered = "";
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
    buffered += chunk;
    let newline: number;
    while ((newline = buffered.indexOf("\n")) >= 0) {
      const arrived = { line: buffered.slice(0, newline), at: performance.now() };
      buffered = buffered.slice(newline + 1);
      if (waiting) {
        const deliver = waiting;
        waiting = undefined;
        deliver(arrived);
      } else {
        lines.push(arrived);
      }
    }
  });
  return {
    /** The next line, with the time it arrived. */
    next(timeoutMs: number): Promise<{ line: string; at: number }> {
      const queued = lines.shift();
      if (queued !== undefined) return Promise.resolve(queued);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiting = undefined;
          reject(new Error(`no output within ${timeoutMs} ms`));
        }, timeoutMs);
        waiting = (arrived) => { clearTimeout(timer); resolve(arrived); };
      });
    },
    /** Lines that arrived without being asked for. */
    pending: () => lines.length,
  };
}

export const median = (xs: readonly number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
