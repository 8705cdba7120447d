/**
 * One shared clock for the stream sink's batches: instead of a timer per
 * destination per batch, a single interval visits the destinations that hold
 * unsent audio and lets each send what has waited `batchMs`. It runs only
 * while some destination waits, and never keeps the process alive.
 */

export interface Ticking {
  /** Sends what is due at `now`; returns whether audio is still waiting. */
  tick(now: number): boolean;
}

export class BatchTicker {
  private readonly waiting = new Set<Ticking>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly periodMs: number,
    private readonly now: () => number,
  ) {}

  watch(t: Ticking): void {
    this.waiting.add(t);
    if (this.timer) return;
    this.timer = setInterval(() => this.run(), this.periodMs);
    this.timer.unref();
  }

  unwatch(t: Ticking): void {
    this.waiting.delete(t);
  }

  private run(): void {
    const now = this.now();
    for (const t of this.waiting) if (!t.tick(now)) this.waiting.delete(t);
    if (this.waiting.size > 0 || !this.timer) return;
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
