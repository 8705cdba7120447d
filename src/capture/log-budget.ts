/**
 * How many lines something driven by a client may log: the first `limit`, then
 * only a count. Without a window the budget is for a lifetime (one session);
 * with one it refills every `windowMs` (server-wide, e.g. failed upgrades), and
 * `take` reports what the last window suppressed so the count is logged once.
 */
export class LogBudget {
  private used = 0;
  private suppressedTotal = 0;
  private windowStart: number;

  constructor(
    private readonly limit: number,
    private readonly windowMs?: number,
    private readonly now: () => number = Date.now,
  ) {
    this.windowStart = now();
  }

  /** True when this line may be logged. */
  take(): boolean {
    this.refill();
    if (this.used < this.limit) {
      this.used++;
      return true;
    }
    this.suppressedTotal++;
    return false;
  }

  /** Lines suppressed since the last call (and resets the count). */
  drainSuppressed(): number {
    const n = this.suppressedTotal;
    this.suppressedTotal = 0;
    return n;
  }

  private refill(): void {
    if (this.windowMs === undefined) return;
    const t = this.now();
    if (t - this.windowStart < this.windowMs) return;
    this.windowStart = t;
    this.used = 0;
  }
}

/** A client-supplied string cut to a length fit for a log line. */
export function clip(text: string, max = 200): string {
  return text.length <= max ? text : `${text.slice(0, max)}…(${text.length} chars)`;
}
