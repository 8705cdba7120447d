/**
 * The one percentile definition in Hookline: the nearest-rank method (the
 * smallest value such that at least p % of the sample is at or below it;
 * "Percentile", Wikipedia, section "The nearest-rank method"). It always
 * returns a member of the sample; p = 0 gives the minimum, p = 100 the maximum.
 * Used by the recorder's sidecar (RTT) and by the load client's summaries.
 */
export function percentile(sorted: readonly number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx];
}
