// GET /api/dashboard/changes: the bundle history, newest first, each entry with the impact summary of
// the change it made (against the entry before it). Bundles are immutable (version = content hash), so
// a summary is computed once per pair of versions and kept while that pair is in the history.
import type { Bundle } from "../../compiler/emit/bundle.ts";
import type { HistoryEntry } from "../control-plane/bundle-store.ts";
import { impactOf, type ImpactSummary } from "./impact/impact.ts";

export interface ChangeEntry extends HistoryEntry {
  /** The version it replaced; absent for the first bundle. */
  previous?: string;
  /** Whether it is the bundle in force. */
  current: boolean;
  /** Absent when either bundle could no longer be read from the state directory. */
  impact?: ImpactSummary;
}

export class ChangeLog {
  private readonly cache = new Map<string, ImpactSummary | null>();

  constructor(private readonly loadBundle: (version: string) => Bundle | undefined) {}

  list(history: readonly HistoryEntry[], limit = 50): ChangeEntry[] {
    const shown = history.slice(-limit - 1);
    const entries: ChangeEntry[] = [];
    const keep = new Set<string>();
    for (let i = shown.length - 1; i >= 0 && entries.length < limit; i--) {
      const entry = shown[i]!;
      // Only the very first bundle has no predecessor: `shown` holds one entry more than is listed.
      const previous = i > 0 ? shown[i - 1]!.version : undefined;
      const key = `${previous ?? ""}..${entry.version}`;
      keep.add(key);
      let impact = this.cache.get(key);
      if (impact === undefined) {
        const head = this.loadBundle(entry.version);
        const base = previous ? this.loadBundle(previous) : undefined;
        impact = head && (base || !previous) ? impactOf(base?.ir, head.ir) : null;
        this.cache.set(key, impact);
      }
      entries.push({
        ...entry, current: i === shown.length - 1,
        ...(previous && { previous }), ...(impact && { impact }),
      });
    }
    for (const key of this.cache.keys()) if (!keep.has(key)) this.cache.delete(key);
    return entries;
  }
}
