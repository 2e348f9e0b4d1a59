// How the dashboard writes figures: one place, so a rate or a latency reads the same in every view.
export { formatDuration } from "../../../compiler/units.ts";

export function rate(rps: number | undefined): string {
  if (rps === undefined) return "–";
  if (rps === 0) return "0/s";
  if (rps < 0.1) return "<0.1/s";
  return `${rps < 10 ? rps.toFixed(1) : Math.round(rps)}/s`;
}

/** A 0–1 share as a percentage: 1 → "100%", 0.99954 → "99.95%", 0.5 → "50%". */
export function share(value: number | undefined): string {
  if (value === undefined) return "–";
  const percent = value * 100;
  if (percent === 100) return "100%";
  if (percent >= 99) return `${(Math.floor(percent * 100) / 100).toFixed(2)}%`;
  return `${percent.toFixed(1)}%`;
}

export function millis(ms: number | undefined): string {
  if (ms === undefined) return "–";
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

/** "12 s ago", "5 min ago", "3 h ago", else the date. */
export function ago(iso: string, now: number): string {
  const seconds = Math.round((now - Date.parse(iso)) / 1000);
  if (!Number.isFinite(seconds)) return iso;
  if (seconds < 5) return "just now";
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h ago`;
  return new Date(iso).toISOString().slice(0, 10);
}

/** "in 23 h", "in 12 min", "expired 3 min ago". */
export function until(iso: string, now: number): string {
  const seconds = Math.round((Date.parse(iso) - now) / 1000);
  if (!Number.isFinite(seconds)) return iso;
  if (seconds <= 0) return `expired ${ago(iso, now)}`;
  if (seconds < 60) return `in ${seconds} s`;
  if (seconds < 3600) return `in ${Math.floor(seconds / 60)} min`;
  if (seconds < 86_400 * 2) return `in ${Math.floor(seconds / 3600)} h`;
  return `in ${Math.floor(seconds / 86_400)} days`;
}

export function clock(ms: number): string {
  return new Date(ms).toTimeString().slice(0, 8);
}

/** "shop/catalog" → "catalog" for labels where the namespace is shown elsewhere. */
export function shortName(id: string): string {
  return id.includes("/") ? id.slice(id.indexOf("/") + 1) : id;
}
