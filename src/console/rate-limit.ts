/**
 * Login throttling: failures counted per key (a username, a client address)
 * in a bounded LRU map. After `maxFailures` failures a key is locked for a
 * window that doubles with each further failure, up to `maxLockMs`; a
 * success clears the key. A locked attempt is refused before any password
 * work, so guessing costs the attacker time and us nothing.
 */
export interface RateLimitOptions {
  maxFailures: number;
  baseLockMs: number;
  maxLockMs: number;
  /** Keys remembered at most; the least recently used goes first. */
  maxKeys: number;
  now?: () => number;
}

interface Entry {
  failures: number;
  lockedUntil: number;
}

export class LoginLimiter {
  private readonly entries = new Map<string, Entry>();
  private readonly now: () => number;

  constructor(private readonly o: RateLimitOptions) {
    this.now = o.now ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Milliseconds until the key may try again; 0 when it may now. */
  retryAfterMs(key: string): number {
    const e = this.entries.get(key);
    return e ? Math.max(0, e.lockedUntil - this.now()) : 0;
  }

  fail(key: string): void {
    const e = this.entries.get(key) ?? { failures: 0, lockedUntil: 0 };
    e.failures += 1;
    if (e.failures >= this.o.maxFailures) {
      const lock = Math.min(this.o.maxLockMs, this.o.baseLockMs * 2 ** (e.failures - this.o.maxFailures));
      e.lockedUntil = this.now() + lock;
    }
    // Re-inserted: Map order is the recency order the eviction reads.
    this.entries.delete(key);
    this.entries.set(key, e);
    while (this.entries.size > this.o.maxKeys) this.entries.delete(this.entries.keys().next().value as string);
  }

  succeed(key: string): void {
    this.entries.delete(key);
  }
}
