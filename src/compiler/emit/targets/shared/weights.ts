// typemesh weights are percentages with up to 3 decimals summing to 100. Istio and Gateway API weights
// are relative integers, so integral percentages emit unchanged and others are scaled by a power of ten.
export function integerWeights(weights: readonly number[]): number[] {
  for (const scale of [1, 10, 100, 1000]) {
    const scaled = weights.map((w) => w * scale);
    if (scaled.every((w) => Math.abs(w - Math.round(w)) < 1e-9)) return scaled.map(Math.round);
  }
  return weights.map((w) => Math.round(w * 1000));
}
