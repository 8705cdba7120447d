/**
 * The ingest producer while the queue is down: a conversation that ends then
 * is queued once the queue is back (retried with backoff), not dropped.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { IngestService, type IngestDeps } from '../../src/ingest/index.js';
import { configSchema } from '../../src/app/config.js';
import { createLogger } from '../../src/platform/logging/index.js';
import { createRegistry } from '../../src/platform/metrics/index.js';
import { QueueError, type PublishOptions, type Queue } from '../../src/platform/queue/index.js';

afterEach(() => void vi.useRealTimers());

/** A queue that is down for its first `failures` publishes. */
function flakyQueue(failures: number) {
  const published: { queue: string; payload: unknown; options?: PublishOptions | undefined }[] = [];
  let calls = 0;
  const queue = {
    kind: 'rabbitmq',
    publish: async (q: string, payload: unknown, options?: PublishOptions) => {
      if (++calls <= failures) throw new QueueError('channel aquisition timed out');
      published.push({ queue: q, payload, options });
    },
  } as unknown as Queue;
  return { queue, published, calls: () => calls };
}

function service(queue: Queue): IngestService {
  const config = configSchema.parse({ tenants: [] });
  const deps = { config, queue, tenant: () => undefined, registry: createRegistry(false), replicaId: 'r1', log: createLogger({ level: 'silent' }) } as unknown as IngestDeps;
  return new IngestService(deps);
}

describe('ingest producer', () => {
  it('keeps trying to queue an ended conversation while the queue is down', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const q = flakyQueue(4);
    const ingest = service(q.queue);
    const orgId = randomUUID();
    const conversationId = randomUUID();
    ingest.onLeaderEvent({ type: 'conversation.ended', orgId, conversationId, at: new Date().toISOString(), endedAt: new Date().toISOString() });
    // Four failures: the backoff waits at most 1 + 2 + 4 + 8 s between them.
    await vi.advanceTimersByTimeAsync(20_000);
    expect(q.calls()).toBe(5);
    expect(q.published).toHaveLength(1);
    expect(q.published[0]?.payload).toMatchObject({ tenant: orgId, conversationId, source: 'ended' });
    await ingest.stop();
  });

  it('stops trying once stopped, even when a publish fails after the stop', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    let calls = 0;
    let fail: (err: Error) => void = () => undefined;
    const queue = {
      kind: 'rabbitmq',
      publish: () => {
        calls++;
        return new Promise<void>((_, reject) => (fail = reject));
      },
    } as unknown as Queue;
    const ingest = service(queue);
    ingest.onLeaderEvent({ type: 'conversation.ended', orgId: randomUUID(), conversationId: randomUUID(), at: new Date().toISOString(), endedAt: new Date().toISOString() });
    await ingest.stop();
    fail(new QueueError('connection closed'));
    await vi.advanceTimersByTimeAsync(120_000);
    expect(calls).toBe(1);
  });
});
