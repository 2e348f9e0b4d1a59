// Order statistics the benchmarks report, one reading of each for all of them.

/** The value at percentile `p` (0–100) of values sorted ascending: the nearest rank at or below. NaN if empty. */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/** The median of values in any order, the upper of the two middle ones for an even count (percentile 50). */
export function median(values: readonly number[]): number {
  return percentile([...values].sort((a, b) => a - b), 50);
}
