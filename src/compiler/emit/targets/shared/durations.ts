// Durations in each target's own syntax. Istio reads protobuf Durations, whose JSON form is seconds
// with an `s` ("0.25s"), which Go's time.ParseDuration reads too; Gateway API (GEP-2257) allows only
// whole numbers of h/m/s/ms with at most 5 digits each; Linkerd's annotations take one number and unit.

export function istioDuration(ms: number): string {
  const seconds = ms / 1000;
  return `${Number.isInteger(seconds) ? seconds : Number(seconds.toFixed(3))}s`;
}

export function gatewayDuration(ms: number): string {
  if (ms === 0) return "0s";
  // One unit reads best ("1500ms", "30s"); longer values fall back to h/m/s/ms parts.
  if (ms % 1000 === 0 && ms / 1000 <= 99_999) return `${ms / 1000}s`;
  if (ms <= 99_999) return `${Math.round(ms)}ms`;
  const units: [string, number][] = [["h", 3_600_000], ["m", 60_000], ["s", 1000], ["ms", 1]];
  let rest = Math.round(ms);
  let out = "";
  for (const [unit, size] of units) {
    const n = Math.floor(rest / size);
    if (n > 0) out += `${n}${unit}`;
    rest -= n * size;
  }
  return out;
}

export function linkerdDuration(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${Math.round(ms)}ms`;
}
