/**
 * Polling until a condition holds: the one wait-for helper the tests share.
 */
import { setTimeout as sleep } from 'node:timers/promises';

/** Polls `fn` every 20 ms until it returns a truthy value, which it resolves to; fails after `ms`. */
export async function until<T>(fn: () => T | undefined | false | Promise<T | undefined | false>, ms = 5000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}
