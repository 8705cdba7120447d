/** The login limiter in virtual time: locks after N failures, doubling up to a cap, and never holds more than maxKeys keys. */
import { describe, expect, it } from 'vitest';
import { LoginLimiter } from '../../src/console/index.js';

describe('login limiter', () => {
  it('locks after maxFailures, doubles the lock per further failure up to the cap, and a success clears it', () => {
    let now = 0;
    const l = new LoginLimiter({ maxFailures: 2, baseLockMs: 1000, maxLockMs: 4000, maxKeys: 10, now: () => now });
    l.fail('k');
    expect(l.retryAfterMs('k')).toBe(0);
    l.fail('k');
    expect(l.retryAfterMs('k')).toBe(1000);
    const locks = [2000, 4000, 4000].map(() => {
      l.fail('k');
      return l.retryAfterMs('k');
    });
    expect(locks).toEqual([2000, 4000, 4000]);
    now += 4000;
    expect(l.retryAfterMs('k')).toBe(0);
    l.succeed('k');
    l.fail('k');
    expect(l.retryAfterMs('k')).toBe(0);
  });

  it('remembers at most maxKeys keys, forgetting the least recently failed first', () => {
    const l = new LoginLimiter({ maxFailures: 1, baseLockMs: 1000, maxLockMs: 1000, maxKeys: 3, now: () => 0 });
    for (const k of ['a', 'b', 'c']) l.fail(k);
    l.fail('a'); // a is now the most recent
    l.fail('d');
    expect(l.size).toBe(3);
    expect(['a', 'b', 'c', 'd'].map((k) => l.retryAfterMs(k) > 0)).toEqual([true, false, true, true]);
    for (let i = 0; i < 1000; i++) l.fail(`spray${i}`);
    expect(l.size).toBe(3);
  });
});
