/**
 * Redis unreachable for a while (a proxy in front of the shared server, cut
 * and restored): readiness says so and recovers, subscriptions come back, and
 * a leader whose lease cannot be renewed steps down before the lease expires —
 * before another replica can take it — even while its renewal hangs.
 */
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../../src/platform/logging/index.js';
import { RedisState, type SharedState } from '../../../src/platform/state/index.js';
import { LeaderLease } from '../../../src/tracking/index.js';
import { proxyFor, type TcpProxy } from '../../helpers/proxy.js';
import { until } from '../../helpers/server.js';
import { REDIS_URL, uniqueName } from '../../helpers/services.js';
import { watchUncaught } from '../../helpers/uncaught.js';

const logger = createLogger({ level: 'silent' });
const POLL = { timeout: 15_000, interval: 50 };
const keyPrefix = `${uniqueName('hookline_test')}:`;
const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const close of closers.reverse()) await close();
});

async function proxy(): Promise<TcpProxy> {
  const p = await proxyFor(REDIS_URL);
  closers.push(() => p.close());
  return p;
}

/** `commandTimeoutMs` long: a renewal sent while Redis is away hangs, as it may in production. */
async function open(url: string, commandTimeoutMs = 30_000): Promise<SharedState> {
  const state = await RedisState.open(url, { logger, keyPrefix, connectAttempts: 1, retryDelayMs: 50, commandTimeoutMs, connectionName: uniqueName('hl_state') });
  closers.push(() => state.close());
  return state;
}

describe('Redis unreachable for a while', () => {
  it('reports not ready while cut, then ready again with its subscriptions back', async () => {
    const uncaught = watchUncaught();
    try {
      const p = await proxy();
      const a = await open(p.url(REDIS_URL), 2000);
      const b = await open(REDIS_URL);
      const channel = uniqueName('events');
      const got: string[] = [];
      await a.subscribe(channel, (m) => void got.push(m));
      await a.check();

      await p.cut();
      await expect(a.check()).rejects.toThrow();
      await p.restore();
      await vi.waitFor(() => a.check(), POLL);
      let n = 0;
      await vi.waitFor(async () => {
        await b.publish(channel, `after-${n++}`);
        expect(got.length).toBeGreaterThan(0);
      }, POLL);
      expect(uncaught.errors).toEqual([]);
    } finally {
      uncaught.stop();
    }
  });

  it('steps a leader down before its lease expires when renewals hang, so two replicas never lead at once', async () => {
    const p = await proxy();
    const cutOff = await open(p.url(REDIS_URL));
    const healthy = await open(REDIS_URL);
    const name = uniqueName('lease');
    const ttlMs = 1000;
    const events: string[] = [];
    const lease = (state: SharedState, owner: string) =>
      new LeaderLease({ state, name, owner, ttlMs, log: logger, onElected: () => void events.push(`${owner} elected`), onDeposed: () => void events.push(`${owner} deposed`) });
    const a = lease(cutOff, 'a');
    const b = lease(healthy, 'b');
    closers.push(() => a.stop(), () => b.stop());

    a.start();
    await until(() => a.isLeader, 5000, 'a to lead');
    await p.cut();
    b.start();
    await until(() => events.includes('b elected'), 10_000, 'b to take the expired lease');
    // In order: a stepped down before b was elected.
    expect(events).toEqual(['a elected', 'a deposed', 'b elected']);
    await p.restore();
  });
});
