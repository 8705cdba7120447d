/** Latency summaries for the load client and the benchmarks, on the shared nearest-rank percentile. */
import { percentile } from '../platform/metrics/index.js';

export interface Summary {
  count: number;
  p50?: number | undefined;
  p99?: number | undefined;
  max?: number | undefined;
}

export function summarize(values: readonly number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  return { count: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted[sorted.length - 1] };
}
