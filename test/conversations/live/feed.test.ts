/** The live feed: the caller never waits on the sink, order is kept, a full queue drops instead of growing. */
import { describe, expect, it } from 'vitest';
import { LiveFeed, type Observation } from '../../../src/conversations/index.js';
import { createLogger } from '../../../src/platform/logging/index.js';

const obs = (id: string): Observation => ({ kind: 'snapshot', snapshot: { id } });
const log = createLogger({ level: 'silent' });

describe('LiveFeed', () => {
  it('returns before the sink runs, applies in offer order, and drops past capacity', async () => {
    const applied: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const feed = new LiveFeed({
      log,
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
