/**
 * Client-side pacing so one OAuth client stays inside its request budget
 * instead of discovering it through 429s (Genesys Cloud docs, "Rate limits"). A sliding window of
 * request start times: no `windowMs` span ever holds more than `budget` starts,
 * which also keeps any fixed server window within budget.
 */
import type { Clock, Sleep } from '../time.js';
import type { RateLimitHeaders } from './rate-limit-headers.js';

/** Genesys Cloud docs, "Rate limits": the documented per-token default. */
export const DEFAULT_BUDGET_PER_MINUTE = 300;

/**
 * How long to wait before the next request may start. Pure. `starts` is
 * ascending and holds only starts inside the current window.
 */
export function waitBeforeNext(starts: readonly number[], budget: number, windowMs: number, blockedUntil: number, now: number): number {
  if (blockedUntil > now) return blockedUntil - now;
  if (starts.length < budget) return 0;
  const oldestThatMustExpire = starts[starts.length - budget];
  return oldestThatMustExpire === undefined ? 0 : Math.max(0, oldestThatMustExpire + windowMs - now);
}

export interface LimiterOptions {
  clock: Clock;
  sleep: Sleep;
  /** Fixed budget per window. When absent, the last `inin-ratelimit-allowed` seen, else 300. */
  budget?: number;
  windowMs?: number;
}

export class RequestLimiter {
  private readonly starts: number[] = [];
  private blockedUntil = 0;
  private learned: number | undefined;
  private queue: Promise<void> = Promise.resolve();
  private readonly windowMs: number;

  constructor(private readonly opts: LimiterOptions) {
    this.windowMs = opts.windowMs ?? 60_000;
  }

  /** The budget in force now. */
  get budget(): number {
    return Math.max(1, Math.floor(this.opts.budget ?? this.learned ?? DEFAULT_BUDGET_PER_MINUTE));
  }

  /** Waits for a slot, first come first served, and records the start. */
  acquire(signal?: AbortSignal): Promise<void> {
    const turn = this.queue.then(() => this.waitTurn(signal));
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  /** Learns from response headers: the budget, and "window exhausted" hints. */
  observe(rate: RateLimitHeaders): void {
    if (rate.allowed !== undefined) this.learned = rate.allowed;
    if (rate.allowed !== undefined && rate.count !== undefined && rate.resetMs !== undefined && rate.count >= rate.allowed) {
      this.pause(rate.resetMs);
    }
  }

  /** Holds every caller back for `ms` (used on 429: the whole client is over budget, not one call). */
  pause(ms: number): void {
    this.blockedUntil = Math.max(this.blockedUntil, this.opts.clock.now() + ms);
  }

  private async waitTurn(signal?: AbortSignal): Promise<void> {
    for (;;) {
      if (signal?.aborted) throw signal.reason ?? new Error('aborted');
      const now = this.opts.clock.now();
      while (this.starts.length > 0 && (this.starts[0] as number) <= now - this.windowMs) this.starts.shift();
      const wait = waitBeforeNext(this.starts, this.budget, this.windowMs, this.blockedUntil, now);
      if (wait <= 0) {
        this.starts.push(now);
        return;
      }
      await this.opts.sleep(wait, signal);
    }
  }
}

/**
 * Limiters are shared per (clock, api base, client id): Genesys counts per
 * OAuth client, so two client objects for the same tenant must share a budget.
 * Keyed by clock too so that tests with their own virtual clock stay apart.
 */
const shared = new WeakMap<Clock, Map<string, RequestLimiter>>();

export function sharedLimiter(key: string, opts: LimiterOptions): RequestLimiter {
  let byKey = shared.get(opts.clock);
  if (!byKey) shared.set(opts.clock, (byKey = new Map()));
  let limiter = byKey.get(key);
  if (!limiter) byKey.set(key, (limiter = new RequestLimiter(opts)));
  return limiter;
}
