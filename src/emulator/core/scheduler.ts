/**
 * Timers on the virtual clock. One real timer is armed for the earliest due
 * entry; `poke()` (after a speed change or a jump) runs everything that became
 * due and re-arms. Entries due at the same virtual time run in the order they
 * were scheduled, which keeps a call's events in timeline order.
 */
import type { RealTime, VirtualClock } from './clock.js';

export interface Timer {
  readonly at: number;
  cancel(): void;
}

interface Entry {
  at: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

/** Real timers cannot exceed ~24.8 days; longer waits re-arm on the way. */
const MAX_REAL_DELAY = 2 ** 31 - 1;

export class Scheduler {
  private readonly heap: Entry[] = [];
  private seq = 0;
  private armed: unknown;
  private armedAt = Infinity;
  private running = false;
  private current: number | undefined;
  private stopped = false;
  private readonly waiters = new Set<() => void>();

  constructor(
    private readonly clock: VirtualClock,
    private readonly real: RealTime,
    private readonly onError: (err: unknown) => void = () => undefined,
  ) {}

  get size(): number {
    return this.heap.length;
  }

  /**
   * The virtual time the running entry was due at, while one runs: after a
   * jump (`advance`) the clock reads the jump's end, but each entry stands for
   * its own instant, and timers it sets should count from there.
   */
  get dueAt(): number | undefined {
    return this.current;
  }

  at(at: number, fn: () => void): Timer {
    const e: Entry = { at, seq: this.seq++, fn, cancelled: false };
    push(this.heap, e);
    if (at < this.armedAt) this.arm();
    return { at, cancel: () => void (e.cancelled = true) };
  }

  after(ms: number, fn: () => void): Timer {
    return this.at(this.clock.now() + ms, fn);
  }

  /** Resolves once virtual time reaches `at` (or the scheduler stops). */
  until(at: number): Promise<void> {
    if (this.clock.now() >= at || this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.waiters.delete(done);
        resolve();
      };
      this.waiters.add(done);
      this.at(at, done);
    });
  }

  /** Runs what is due now and re-arms; call after the clock's speed or time changed. */
  poke(): void {
    this.runDue();
    this.arm();
  }

  stop(): void {
    this.stopped = true;
    if (this.armed !== undefined) this.real.clearTimeout(this.armed);
    this.armed = undefined;
    this.heap.length = 0;
    // Release waiters (e.g. HTTP handlers sleeping on the clock) so shutdown is prompt.
    for (const w of [...this.waiters]) w();
  }

  private arm(): void {
    if (this.stopped) return;
    if (this.armed !== undefined) this.real.clearTimeout(this.armed);
    this.armed = undefined;
    this.armedAt = Infinity;
    while (this.heap[0]?.cancelled) pop(this.heap);
    const first = this.heap[0];
    if (!first) return;
    const delay = this.clock.realDelayUntil(first.at);
    if (delay === undefined) return;
    this.armedAt = first.at;
    this.armed = this.real.setTimeout(() => {
      this.armed = undefined;
      this.armedAt = Infinity;
      this.poke();
    }, Math.min(Math.ceil(delay), MAX_REAL_DELAY));
  }

  private runDue(): void {
    if (this.running || this.stopped) return;
    this.running = true;
    try {
      const now = this.clock.now();
      for (let e = this.heap[0]; e !== undefined && e.at <= now; e = this.heap[0]) {
        pop(this.heap);
        if (e.cancelled) continue;
        this.current = e.at;
        try {
          e.fn();
        } catch (err) {
          this.onError(err);
        } finally {
          this.current = undefined;
        }
      }
    } finally {
      this.running = false;
    }
  }
}

function less(a: Entry, b: Entry): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

/** Sift-up with a hole: parents move down until `e` fits. */
function push(h: Entry[], e: Entry): void {
  let i = h.length;
  h.push(e);
  while (i > 0) {
    const p = (i - 1) >> 1;
    const parent = h[p];
    if (parent === undefined || !less(e, parent)) break;
    h[i] = parent;
    i = p;
  }
  h[i] = e;
}

/** Removes the earliest entry; the last one sifts down from the root, smaller children moving up. */
function pop(h: Entry[]): Entry | undefined {
  const top = h[0];
  const last = h.pop();
  if (h.length === 0 || last === undefined) return top;
  let i = 0;
  for (;;) {
    const l = 2 * i + 1;
    let m = i;
    let best = last;
    const left = h[l];
    if (left !== undefined && less(left, best)) [m, best] = [l, left];
    const right = h[l + 1];
    if (right !== undefined && less(right, best)) [m, best] = [l + 1, right];
    if (m === i) break;
    h[i] = best;
    i = m;
  }
  h[i] = last;
  return top;
}
