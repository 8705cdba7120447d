/**
 * Rate-limited warnings: a misbehaving plugin fails on every change, and its
 * log lines must not flood the log. Per plugin and message, the first line is
 * logged, then at most one per window, carrying how many were suppressed since.
 */
import type { Logger } from '../platform/logging/index.js';

export class ThrottledLog {
  private readonly last = new Map<string, { at: number; suppressed: number }>();

  constructor(
    private readonly log: Logger,
    private readonly windowMs = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  warn(fields: Record<string, unknown>, message: string): void {
    const t = this.now();
    const key = `${String(fields.plugin)}\u0000${message}`;
    const seen = this.last.get(key);
    if (seen && t - seen.at < this.windowMs) {
      seen.suppressed++;
      return;
    }
    this.log.warn(seen?.suppressed ? { ...fields, suppressed: seen.suppressed } : fields, message);
    this.last.set(key, { at: t, suppressed: 0 });
  }
}
