/**
 * Virtual time for tests: nothing waits for real seconds.
 *
 * AutoTime: every sleep completes at once and moves the clock forward, but only
 * after all HTTP requests already sent have been answered, so a loopback
 * server stamping arrivals with `now()` sees them at the virtual time they
 * were sent (needed to check the client's request budget).
 *
 * ManualTime: sleeps complete only when the test advances the clock.
 */
import type { Clock, Sleep } from '../../../src/genesys/index.js';

export const macrotask = () => new Promise<void>((r) => setImmediate(r));

/**
 * Counts HTTP requests in flight, from the fetch call until the response body
 * has been read to the end (or cancelled), so virtual time can wait for them.
 */
export class FetchTracker {
  private inflight = 0;
  private idleWaiters: (() => void)[] = [];

  fetch: typeof fetch = async (input, init) => {
    this.inflight++;
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      this.inflight--;
      if (this.inflight === 0) this.idleWaiters.splice(0).forEach((w) => w());
    };
    try {
      const res = await fetch(input, init);
      if (!res.body) {
        finish();
        return res;
      }
      const reader = res.body.getReader();
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          try {
            const { done, value } = await reader.read();
            if (done) {
              controller.close();
              finish();
            } else controller.enqueue(value);
          } catch (err) {
            finish();
            controller.error(err);
          }
        },
        cancel(reason) {
          finish();
          return reader.cancel(reason);
        },
      });
      return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
    } catch (err) {
      finish();
      throw err;
    }
  };

  /** Resolves when no request is in flight, then lets their callers act on the answers. */
  async idle(): Promise<void> {
    if (this.inflight > 0) await new Promise<void>((r) => this.idleWaiters.push(r));
    await macrotask();
  }
}

export class AutoTime implements Clock {
  t: number;
  /** Every sleep requested, in order. */
  readonly sleeps: number[] = [];
  private readonly tracker = new FetchTracker();
  /** A fetch that lets sleeps know when requests are in flight. */
  readonly fetch = this.tracker.fetch;

  constructor(start = Date.parse('2024-05-01T10:00:00.000Z')) {
    this.t = start;
  }

  now = (): number => this.t;

  sleep: Sleep = async (ms) => {
    this.sleeps.push(ms);
    const until = this.t + Math.max(0, ms);
    // Callers whose responses just completed act on them (e.g. read rate-limit headers) at the old time.
    await this.tracker.idle();
    this.t = Math.max(this.t, until);
    await macrotask();
  };
}

interface Timer {
  at: number;
  resolve: () => void;
}

export class ManualTime implements Clock {
  t: number;
  private timers: Timer[] = [];

  constructor(start = Date.parse('2024-05-01T10:00:00.000Z')) {
    this.t = start;
  }

  now = (): number => this.t;

  sleep: Sleep = (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      // The abort listener goes when the timer fires, or long-lived signals collect them.
      const onAbort = () => {
        this.timers = this.timers.filter((x) => x !== timer);
        resolve();
      };
      const timer: Timer = {
        at: this.t + Math.max(0, ms),
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      this.timers.push(timer);
      signal?.addEventListener('abort', onAbort, { once: true });
    });

  get pendingTimers(): number {
    return this.timers.length;
  }

  /** Moves the clock forward, firing due timers in order and letting their continuations run. */
  async advance(ms: number): Promise<void> {
    const target = this.t + ms;
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at);
      const next = this.timers[0];
      if (!next || next.at > target) break;
      this.timers.shift();
      this.t = Math.max(this.t, next.at);
      next.resolve();
      await macrotask();
    }
    this.t = target;
    await macrotask();
  }

  /** Advances in steps, running `between` after each (e.g. to let sockets exchange frames). */
  async advanceInSteps(total: number, step: number, between?: () => Promise<void>): Promise<void> {
    for (let done = 0; done < total; done += step) {
      await this.advance(Math.min(step, total - done));
      await between?.();
    }
  }
}
