import { describe, expect, it } from 'vitest';
import { ByteLru, Semaphore } from '../../../src/voicebot/speech/limits.js';

describe('Semaphore', () => {
  it('grants up to its limit, queues the rest in order, and a released slot goes to the next waiter', async () => {
    const s = new Semaphore(2);
    const r1 = await s.acquire();
    await s.acquire();
    const order: number[] = [];
    const w3 = s.acquire().then((r) => (order.push(3), r));
    const w4 = s.acquire().then((r) => (order.push(4), r));
    expect({ running: s.running, queued: s.queued }).toEqual({ running: 2, queued: 2 });
    r1();
    r1(); // releasing twice frees one slot only
    (await w3)();
    await w4;
    expect(order).toEqual([3, 4]);
    expect({ running: s.running, queued: s.queued }).toEqual({ running: 2, queued: 0 });
  });

  it('a waiter that aborts leaves the queue without taking a slot', async () => {
    const s = new Semaphore(1);
    const release = await s.acquire();
    const ac = new AbortController();
    const waiting = s.acquire(ac.signal);
    ac.abort(new Error('call ended'));
    await expect(waiting).rejects.toThrow('call ended');
    expect(s.queued).toBe(0);
    release();
    expect(s.running).toBe(0);
    await expect(s.acquire(ac.signal)).rejects.toThrow('call ended');
  });

  it('rejects a limit below 1', () => {
    expect(() => new Semaphore(0)).toThrow(/concurrency limit/);
  });
});

describe('ByteLru', () => {
  it('evicts the least recently used entries to stay within its byte bound and never keeps an oversized one', () => {
    const c = new ByteLru(10);
    c.set('a', new Uint8Array(4));
    c.set('b', new Uint8Array(4));
    expect(c.get('a')).toBeDefined(); // a is now the most recent
    c.set('c', new Uint8Array(4));
    expect(c.get('b')).toBeUndefined();
    expect(c.get('a')).toBeDefined();
    expect(c.bytes).toBe(8);
    c.set('big', new Uint8Array(11));
    expect(c.get('big')).toBeUndefined();
    expect(c.bytes).toBe(8);
    c.set('a', new Uint8Array(2)); // replacing counts the new size only
    expect(c.bytes).toBe(6);
  });
});
