/**
 * What only the Redis state has: failing clearly when Redis is absent at
 * start, recovering (and resubscribing) when its connections drop, and
 * keeping deployments with different key prefixes apart.
 */
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../../src/platform/logging/index.js';
import { StateError, openState } from '../../../src/platform/state/index.js';
import { REDIS_URL, uniqueName } from '../../helpers/services.js';

const logger = createLogger({ level: 'silent' });
const POLL = { timeout: 15_000, interval: 20 };
const admin = new Redis(REDIS_URL);
afterAll(() => admin.quit());

/** Kills the server side of our connections (only ours: other suites share the server). Returns how many. */
async function killConnections(namePrefix: string): Promise<number> {
  const list = (await admin.client('LIST')) as string;
  const ids = list
    .split('\n')
    .filter((line) => line.includes(` name=${namePrefix}`))
    .map((line) => /^id=(\d+) /.exec(line)?.[1] as string);
  for (const id of ids) await admin.client('KILL', 'ID', id);
  return ids.length;
}

describe('Redis shared state', () => {
  it('fails with a clear error after retrying, without the password, when Redis cannot be reached', async () => {
    const open = openState('redis://:hunter2@127.0.0.1:1', { logger, connectAttempts: 3, retryDelayMs: 10 });
    await expect(open).rejects.toThrow(StateError);
    await expect(open).rejects.toThrow(/^state: cannot connect to redis:\/\/\*\*\*@127\.0\.0\.1:1 after 3 attempts: .*ECONNREFUSED/);
    await expect(open).rejects.not.toThrow(/hunter2/);
  });

  it('reconnects and resubscribes after its connections are killed', async () => {
    const connectionName = uniqueName('hookline_state');
    const keyPrefix = `${uniqueName('hookline_test')}:`;
    const a = await openState(REDIS_URL, { logger, keyPrefix, connectionName });
    const b = await openState(REDIS_URL, { logger, keyPrefix });
    try {
      const channel = uniqueName('matches');
      const got: string[] = [];
      await a.subscribe(channel, (m) => void got.push(m));
      expect(await killConnections(connectionName)).toBe(2); // the command and the subscriber connection

      // Messages published while `a` is away are lost (pub/sub is best effort): keep publishing until one arrives.
      let n = 0;
      await vi.waitFor(async () => {
        await b.publish(channel, `after-${n++}`);
        expect(got.length).toBeGreaterThan(0);
      }, POLL);
      expect(got.every((m) => m.startsWith('after-'))).toBe(true);
      const lease = uniqueName('lease');
      await vi.waitFor(async () => expect(await a.acquireLease(lease, 'replica-1', 10_000)).toBe(true), POLL);
      expect(await b.acquireLease(lease, 'replica-2', 10_000)).toBe(false);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('keeps deployments with different key prefixes apart', async () => {
    const one = await openState(REDIS_URL, { logger, keyPrefix: `${uniqueName('deploy_one')}:` });
    const two = await openState(REDIS_URL, { logger, keyPrefix: `${uniqueName('deploy_two')}:` });
    try {
      const name = uniqueName('same');
      expect(await one.acquireLease(name, 'replica-1', 10_000)).toBe(true);
      expect(await two.acquireLease(name, 'replica-2', 10_000)).toBe(true);
      expect(await one.setIfAbsent(name, 'one', 10_000)).toBe(true);
      expect(await two.get(name)).toBeUndefined();

      const heardByTwo: string[] = [];
      const heardByOne: string[] = [];
      await two.subscribe(name, (m) => void heardByTwo.push(m));
      await one.subscribe(name, (m) => void heardByOne.push(m));
      await one.publish(name, 'for deployment one');
      await two.publish(name, 'for deployment two');
      await vi.waitFor(() => expect(heardByTwo).toEqual(['for deployment two']), POLL);
      await vi.waitFor(() => expect(heardByOne).toEqual(['for deployment one']), POLL);
    } finally {
      await one.close();
      await two.close();
    }
  });
});
