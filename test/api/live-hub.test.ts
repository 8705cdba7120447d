/**
 * The live channels across replicas on Redis: what one replica publishes (a
 * commit, a gate decision, a level reading) reaches another replica's
 * listeners and snapshot; a replica subscribes a channel once however many
 * streams listen, and leaves it when the last goes; writes over the in-flight
 * bound are dropped and counted, never queued.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { BoundedPublisher, ChannelHub, LiveCalls, LiveMeterSink, SessionStatusStore, callsChannel, eventsChannel } from '../../src/api/index.js';
import type { SessionInfo } from '../../src/capture/index.js';
import { createLogger } from '../../src/platform/logging/index.js';
import { openState, type SharedState } from '../../src/platform/state/index.js';
import { REDIS_URL, uniqueName } from '../helpers/services.js';

const logger = createLogger({ level: 'silent' });

async function twoReplicas(fn: (one: SharedState, two: SharedState) => Promise<void>): Promise<void> {
  const keyPrefix = `${uniqueName('live')}:`;
  const [one, two] = await Promise.all([openState(REDIS_URL, { logger, keyPrefix }), openState(REDIS_URL, { logger, keyPrefix })]);
  try {
    await fn(one, two);
  } finally {
    for (const key of (await one.list('')).keys()) await one.delete(key);
    await Promise.all([one.close(), two.close()]);
  }
}

describe('live channels on Redis', () => {
  it("delivers one replica's publishes to another's listeners over one subscription, and unsubscribes after the last", async () => {
    await twoReplicas(async (one, two) => {
      const tenant = randomUUID();
      const hub = new ChannelHub(two, logger);
      const got: string[][] = [[], []];
      const leaves = await Promise.all(got.map((list) => hub.listen(eventsChannel(tenant), (m) => void list.push(m))));
      // One subscribed connection (replica two's) however many listeners it has.
      expect(await one.publish(eventsChannel(tenant), 'e1')).toBe(1);
      await vi.waitFor(() => expect(got).toEqual([['e1'], ['e1']]), { timeout: 5000, interval: 10 });
      leaves[0]?.();
      expect(hub.size).toBe(1);
      leaves[1]?.();
      expect(hub.size).toBe(0);
      await vi.waitFor(async () => expect(await one.publish(eventsChannel(tenant), 'e2')).toBe(0), { timeout: 5000, interval: 20 });
    });
  });

  it("lists on one replica the call another replica's gate and meter recorded", async () => {
    await twoReplicas(async (one, two) => {
      const org = randomUUID();
      const conversationId = randomUUID();
      const out = new BoundedPublisher(one, logger, 100);
      const writer = new SessionStatusStore(one, logger, Date.now, (o, c, st) => out.publish(callsChannel(o), JSON.stringify({ t: 'status', conversationId: c, status: st })));
      writer.record(org, conversationId, { gate: 'admitted', capture: 'streaming', agentUserId: 'u1', agentName: 'Ann', startedAt: writer.stamp() });
      const meter = new LiveMeterSink({ out, maxSessions: 1 });
      meter.open({ orgId: org, conversationId, sessionId: 's1', openedAt: writer.stamp(), media: { format: 'PCMU', channels: ['external', 'internal'], rate: 8000 } } as unknown as SessionInfo);
      meter.connection('s1', 'crm', true);
      const reader = new LiveCalls(two, new SessionStatusStore(two, logger));
      await vi.waitFor(async () => expect(await reader.snapshot(org)).toMatchObject([{ conversationId, agent: { id: 'u1', name: 'Ann' }, state: 'admitted', forwarded: ['crm'] }]), { timeout: 5000, interval: 20 });
      expect(await reader.snapshot(randomUUID())).toEqual([]);
    });
  });

  it('drops writes beyond the in-flight bound and counts them', async () => {
    await twoReplicas(async (one) => {
      const onDrop = vi.fn();
      const out = new BoundedPublisher(one, logger, 1, onDrop);
      out.publish('x', '1');
      out.publish('x', '2');
      expect(onDrop).toHaveBeenCalledTimes(1);
    });
  });
});
