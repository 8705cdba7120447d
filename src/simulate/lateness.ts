/**
 * How late the load generator sends its frames against their schedule, so a
 * benchmark can tell a slow server from a generator that could not keep up.
 * Recorded per frame into a native HDR histogram (perf_hooks.createHistogram:
 * one integer record per frame, no allocation), in microseconds.
 * Node docs, "perf_hooks.createHistogram": https://nodejs.org/api/perf_hooks.html#perf_hookscreatehistogramoptions
 */
import { createHistogram, type RecordableHistogram } from 'node:perf_hooks';

export interface LatenessSummary {
  /** Frames recorded since the last reset. */
  count: number;
  p99Ms: number;
  maxMs: number;
}

/**
 * When frame `index` (0-based) of a session that started at `t0` is due: the
 * first frame covers [t0, t0 + frameMs), so it can be sent once that much
 * audio exists.
 */
export function frameDueAt(t0: number, index: number, frameMs: number): number {
  return t0 + (index + 1) * frameMs;
}

export class SendLateness {
  private histogram: RecordableHistogram = createHistogram();

  /** A frame due at `dueAt` was sent at `now` (ms, same clock). Early sends count as 0. */
  record(now: number, dueAt: number): void {
    // The histogram takes integers ≥ 1: microseconds, plus one.
    this.histogram.record(Math.max(0, Math.round((now - dueAt) * 1000)) + 1);
  }

  summary(): LatenessSummary {
    const h = this.histogram;
    if (h.count === 0) return { count: 0, p99Ms: 0, maxMs: 0 };
    return { count: h.count, p99Ms: (h.percentile(99) - 1) / 1000, maxMs: (h.max - 1) / 1000 };
  }

  reset(): void {
    this.histogram.reset();
  }
}
