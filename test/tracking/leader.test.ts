/**
 * LeaderLease step-down: a leader whose renewal fails (rejected, refused
 * because another owner holds the lease, or never answered within the TTL)
 * stops leading. Virtual time drives the renewal timer.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../src/platform/logging/index.js';
import type { SharedState } from '../../src/platform/state/index.js';
import { LeaderLease } from '../../src/tracking/leader.js';

const TTL = 3000;
type Answer = () => Promise<boolean>;

function lease(answer: { next: Answer }) {
  const events: string[] = [];
  const state = { acquireLease: () => answer.next(), releaseLease: async () => undefined } as unknown as SharedState;
  const l = new LeaderLease({
    state,
    name: 'tenant-x',
    owner: 'replica-1',
    ttlMs: TTL,
    log: createLogger({ level: 'silent' }),
    onElected: () => void events.push('elected'),
    onDeposed: () => void events.push('deposed'),
  });
  return { l, events };
}

describe('LeaderLease', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  async function elected(answer: { next: Answer }) {
    const x = lease(answer);
    x.l.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(x.l.isLeader).toBe(true);
    expect(x.events).toEqual(['elected']);
    return x;
  }

  it('steps down when a renewal is rejected (state unreachable)', async () => {
    const answer = { next: async () => true };
    const { l, events } = await elected(answer);
    answer.next = async () => Promise.reject(new Error('ECONNREFUSED'));
    await vi.advanceTimersByTimeAsync(TTL / 3);
    expect(l.isLeader).toBe(false);
    expect(events).toEqual(['elected', 'deposed']);
    await l.stop();
  });

  it('steps down when another owner holds the lease at renewal', async () => {
    const answer = { next: async () => true };
    const { l, events } = await elected(answer);
    answer.next = async () => false;
    await vi.advanceTimersByTimeAsync(TTL / 3);
    expect(l.isLeader).toBe(false);
    expect(events).toEqual(['elected', 'deposed']);
    await l.stop();
  });

  it('steps down before its lease can have expired when a renewal never answers', async () => {
    const answer = { next: async () => true };
    const { l, events } = await elected(answer);
    const renewed = Date.now();
    answer.next = () => new Promise<boolean>(() => undefined);
    // The last successful renewal was at `renewed`: by its TTL another replica may hold the lease.
    await vi.advanceTimersByTimeAsync(TTL);
    expect(Date.now() - renewed).toBe(TTL);
    expect(l.isLeader).toBe(false);
    expect(events).toEqual(['elected', 'deposed']);
    const stopping = l.stop();
    await vi.advanceTimersByTimeAsync(TTL);
    await stopping;
  });
});
