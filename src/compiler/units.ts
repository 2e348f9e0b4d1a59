// Durations and percentages as policy files write them, and their canonical forms.

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/;
const SCALE = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;

/** Milliseconds for "250ms" | "2s" | "1m" | "1h"; undefined if malformed or not a whole millisecond. */
export function parseDuration(text: unknown): number | undefined {
  if (typeof text !== "string") return undefined;
  const match = DURATION.exec(text);
  if (!match) return undefined;
  const ms = Number(match[1]) * SCALE[match[2] as keyof typeof SCALE];
  return Number.isFinite(ms) && Number.isInteger(Math.round(ms * 1000) / 1000) && Math.abs(ms - Math.round(ms)) < 1e-9
    ? Math.round(ms)
    : undefined;
}

/** The shortest way to write a number of milliseconds: 1500 → "1.5s", 60000 → "1m". */
export function formatDuration(ms: number): string {
  if (ms !== 0 && ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms !== 0 && ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms >= 1000 && ms % 10 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

/** A percentage 0–100 with at most three decimals. */
export function isValidPercent(value: unknown): value is number {
  return typeof value === "number" && value >= 0 && value <= 100 && Math.abs(value * 1000 - Math.round(value * 1000)) < 1e-6;
}
