/**
 * The real sleep behind the injected one: an abort settles it early by
 * resolving, never rejecting (callers re-check their own state after it).
 */
import { describe, expect, it } from 'vitest';
import { realSleep } from '../../src/genesys/time.js';

describe('realSleep', () => {
  it('resolves early, without rejecting, when its signal aborts', async () => {
    const ac = new AbortController();
    const started = performance.now();
    const slept = realSleep(60_000, ac.signal);
    ac.abort();
    await expect(slept).resolves.toBeUndefined();
    expect(performance.now() - started).toBeLessThan(30_000);
  });

  it('resolves at once when the signal has already aborted', async () => {
    await expect(realSleep(60_000, AbortSignal.abort())).resolves.toBeUndefined();
  });

  it('waits the time it is given otherwise', async () => {
    const started = performance.now();
    await realSleep(30);
    expect(performance.now() - started).toBeGreaterThanOrEqual(25);
  });
});
