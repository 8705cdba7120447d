/** The live feed: the caller never waits on the sink, order is kept, a full queue drops instead of growing. */
import { describe, expect, it } from 'vitest';
import { LiveFeed, type Observation } from '../../../src/conversations/index.js';
import { createLogger } from '../../../src/platform/logging/index.js';
import { createRegistry } from '../../../src/platform/metrics/index.js';

const obs = (id: string): Observation => ({ kind: 'snapshot', snapshot: { id } });
const log = createLogger({ level: 'silent' });

describe('LiveFeed', () => {
  it('returns before the sink runs, applies in offer order, and drops past capacity', async () => {
    const applied: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const registry = createRegistry(false);
    const feed = new LiveFeed({
      log,
      registry,
      capacity: 2,
      sink: {
        apply: async (_t, o) => {
          await gate;
          applied.push(o.kind === 'snapshot' ? o.snapshot.id : '');
        },
      },
    });
    expect(feed.offer('org', obs('a'))).toBe(true);
    expect(applied).toEqual([]);
    expect(feed.offer('org', obs('b'))).toBe(true);
    expect(feed.offer('org', obs('c'))).toBe(false);
    expect(feed.offer('org', obs('c'))).toBe(false);
    expect((await registry.getSingleMetric('hookline_live_feed_dropped_total')?.get())?.values[0]?.value).toBe(2);
    release();
    await feed.idle();
    expect(applied).toEqual(['a', 'b']);
    expect(feed.offer('org', obs('d'))).toBe(true);
    await feed.idle();
    expect(applied).toEqual(['a', 'b', 'd']);
  });

  it('a failing sink does not stop the feed', async () => {
    const applied: string[] = [];
    const feed = new LiveFeed({
      log,
      sink: {
        apply: async (_t, o) => {
          if (o.kind === 'snapshot' && o.snapshot.id === 'bad') throw new Error('db down');
          applied.push(o.kind === 'snapshot' ? o.snapshot.id : '');
        },
      },
    });
    feed.offer('org', obs('bad'));
    feed.offer('org', obs('ok'));
    await feed.idle();
    expect(applied).toEqual(['ok']);
  });
});
