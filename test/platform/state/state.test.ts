/**
 * The shared-state contract, run on both implementations: in memory (both
 * "replicas" are the one process) and on Redis (two RedisState instances, two
 * replicas, under a key prefix unique to this run).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../../src/platform/logging/index.js';
import { StateError, StateHost, openState, type SharedState } from '../../../src/platform/state/index.js';
import { linkPair } from '../../helpers/ipc-link.js';
import { REDIS_URL, uniqueName } from '../../helpers/services.js';

const logger = createLogger({ level: 'silent' });
const POLL = { timeout: 10_000, interval: 10 };

type Replicas = { a: SharedState; b: SharedState };

const backends: [string, () => Promise<Replicas>][] = [
  [
    'memory',
    async () => {
      const state = await openState('memory', { logger });
      return { a: state, b: state };
    },
  ],
  [
    // Two workers of `server.workers: 2`: each a MemoryState whose maps the primary's StateHost holds.
    'memory held by a cluster primary',
    async () => {
      const host = new StateHost(logger);
      const worker = async () => {
        const [primarySide, workerSide] = linkPair();
        host.attach(primarySide);
        return openState('memory', { logger, link: workerSide });
      };
      return { a: await worker(), b: await worker() };
    },
  ],
  [
    'Redis',
    async () => {
      const keyPrefix = `${uniqueName('hookline_test')}:`;
      return { a: await openState(REDIS_URL, { logger, keyPrefix }), b: await openState(REDIS_URL, { logger, keyPrefix }) };
    },
  ],
];

describe.each(backends)('shared state in %s', (_name, open) => {
  let a: SharedState;
  let b: SharedState;
  beforeAll(async () => {
    ({ a, b } = await open());
  });
  afterAll(async () => {
    await a.close();
    if (b !== a) await b.close();
  });

  const lease = (): string => uniqueName('lease');

  it('gives a lease to one owner at a time, and renews it for its holder', async () => {
    const name = lease();
    expect(await a.acquireLease(name, 'replica-1', 10_000)).toBe(true);
    expect(await b.acquireLease(name, 'replica-2', 10_000)).toBe(false);
    expect(await a.acquireLease(name, 'replica-1', 10_000)).toBe(true);
    expect(await b.acquireLease(name, 'replica-2', 10_000)).toBe(false);
  });

  it('fails over to another owner once an unrenewed lease expires', async () => {
    const name = lease();
    expect(await a.acquireLease(name, 'replica-1', 100)).toBe(true);
    expect(await b.acquireLease(name, 'replica-2', 10_000)).toBe(false);
    await vi.waitFor(async () => expect(await b.acquireLease(name, 'replica-2', 10_000)).toBe(true), POLL);
    expect(await a.acquireLease(name, 'replica-1', 100)).toBe(false);
  });

  it('releases a lease only for its owner', async () => {
    const name = lease();
    expect(await a.acquireLease(name, 'replica-1', 10_000)).toBe(true);
    await b.releaseLease(name, 'replica-2');
    expect(await b.acquireLease(name, 'replica-2', 10_000)).toBe(false);
    await a.releaseLease(name, 'replica-1');
    expect(await b.acquireLease(name, 'replica-2', 10_000)).toBe(true);
  });

  it('extends a lease when its owner renews it', async () => {
    const name = lease();
    const probe = uniqueName('probe');
    const TERM = 1000;
    // Outlives the first term of the lease; once it is gone, so would the lease be, unrenewed.
    await a.set(probe, 'x', TERM + 200);
    const acquired = performance.now();
    expect(await a.acquireLease(name, 'replica-1', TERM)).toBe(true);
    // Renewal, not re-acquisition: the lease must still be held by its owner when it is renewed.
    // (Were it already expired, a fresh acquire would pass this test with renewal broken.)
    expect(await b.acquireLease(name, 'replica-2', 10_000)).toBe(false);
    expect(performance.now() - acquired).toBeLessThan(TERM);
    expect(await a.acquireLease(name, 'replica-1', 60_000)).toBe(true);
    await vi.waitFor(async () => expect(await a.get(probe)).toBeUndefined(), POLL);
    expect(await b.acquireLease(name, 'replica-2', 10_000)).toBe(false);
  });

  it('delivers published messages to every subscriber, and to none after it unsubscribes', async () => {
    const channel = uniqueName('matches');
    const first: string[] = [];
    const second: string[] = [];
    const publisherSide: string[] = [];
    const stopFirst = await b.subscribe(channel, (m) => void first.push(m));
    const stopSecond = await b.subscribe(channel, (m) => void second.push(m));
    await a.subscribe(channel, (m) => void publisherSide.push(m));
    await a.publish(channel, 'm1');
    await vi.waitFor(() => expect([first, second, publisherSide]).toEqual([['m1'], ['m1'], ['m1']]), POLL);

    await stopFirst();
    await a.publish(channel, 'm2');
    // `second` shares first's connection and dispatch: once it has m2, first would have too.
    await vi.waitFor(() => expect(second).toEqual(['m1', 'm2']), POLL);
    expect(first).toEqual(['m1']);

    await stopSecond();
    await a.publish(channel, 'm3');
    await vi.waitFor(() => expect(publisherSide).toEqual(['m1', 'm2', 'm3']), POLL);
    expect(second).toEqual(['m1', 'm2']);
  });

  it('says how many subscribers a message reached: none before a subscription and after it ends', async () => {
    const channel = uniqueName('intake');
    expect(await a.publish(channel, 'nobody')).toBe(0);
    const got: string[] = [];
    const stop = await b.subscribe(channel, (m) => void got.push(m));
    expect(await a.publish(channel, 'one')).toBe(1);
    await vi.waitFor(() => expect(got).toEqual(['one']), POLL);
    await stop();
    expect(await a.publish(channel, 'nobody again')).toBe(0);
  });

  it('keeps a failing handler from affecting the other subscribers', async () => {
    const channel = uniqueName('events');
    const got: string[] = [];
    await b.subscribe(channel, () => {
      throw new Error('handler bug');
    });
    await b.subscribe(channel, async () => Promise.reject(new Error('async handler bug')));
    await b.subscribe(channel, (m) => void got.push(m));
    await a.publish(channel, 'one');
    await a.publish(channel, 'two');
    await vi.waitFor(() => expect(got).toEqual(['one', 'two']), POLL);
  });

  it('expires keys after their TTL', async () => {
    const key = uniqueName('key');
    await a.set(key, 'value', 50);
    expect(await b.get(key)).toBe('value');
    await vi.waitFor(async () => expect(await b.get(key)).toBeUndefined(), POLL);
    expect(await b.get(uniqueName('never-set'))).toBeUndefined();
  });

  it('sets a key only if absent, once it is deleted or expired again', async () => {
    const key = uniqueName('run-once');
    expect(await a.setIfAbsent(key, 'replica-1', 10_000)).toBe(true);
    expect(await b.setIfAbsent(key, 'replica-2', 10_000)).toBe(false);
    expect(await b.get(key)).toBe('replica-1');
    await a.delete(key);
    expect(await b.setIfAbsent(key, 'replica-2', 50)).toBe(true);
    await vi.waitFor(async () => expect(await a.setIfAbsent(key, 'replica-1', 10_000)).toBe(true), POLL);
    await a.set(key, 'overwritten', 10_000);
    expect(await b.get(key)).toBe('overwritten');
  });

  it('lists the live keys under a prefix, with their values, and no others', async () => {
    const prefix = `${uniqueName('held')}:*[x]:`;
    await a.set(`${prefix}one`, '1', 10_000);
    await a.set(`${prefix}two`, '2', 10_000);
    await a.set(`${prefix}gone`, '3', 10_000);
    await a.delete(`${prefix}gone`);
    await a.set(`${prefix.slice(0, -1)}-other`, 'x', 10_000);
    await a.acquireLease(`${prefix}lease`, 'replica-1', 10_000);
    expect(Object.fromEntries(await b.list(prefix))).toEqual({ [`${prefix}one`]: '1', [`${prefix}two`]: '2' });
    await a.set(`${prefix}short`, 's', 50);
    await vi.waitFor(async () => expect([...(await b.list(prefix)).keys()].sort()).toEqual([`${prefix}one`, `${prefix}two`]), POLL);
    expect((await b.list(uniqueName('nothing'))).size).toBe(0);
  });

  it('keeps leases and keys apart even when they share a name', async () => {
    const name = uniqueName('shared');
    await a.set(name, 'value', 10_000);
    expect(await a.acquireLease(name, 'replica-1', 10_000)).toBe(true);
    expect(await b.get(name)).toBe('value');
  });

  it('rejects a TTL that is not a whole positive number of milliseconds', async () => {
    await expect(a.set(uniqueName('k'), 'v', 0)).rejects.toThrow(StateError);
    await expect(a.acquireLease(lease(), 'o', 1.5)).rejects.toThrow(StateError);
  });
});
