/**
 * The recorder's chunk pool: slots of shared segments, grown when full, a
 * wholly free segment let go once the others hold a segment's worth of free
 * slots, and the disk thread told of each change.
 */
import { describe, expect, it } from 'vitest';
import { ChunkPool, type PoolSegment } from '../../../src/capture/sinks/chunk-pool.js';

function watched(size: number, slots: number) {
  const pool = new ChunkPool(size, slots);
  const added: PoolSegment[] = [];
  const dropped: number[] = [];
  pool.listen({ added: (s) => added.push(s), dropped: (i) => dropped.push(i) });
  return { pool, added, dropped };
}

describe('chunk pool', () => {
  it('hands out distinct slots that are views of the shared segment at the slot offset', () => {
    const { pool, added } = watched(8, 4);
    const chunks = [pool.take(), pool.take(), pool.take()];
    expect(new Set(chunks.map((c) => c.id)).size).toBe(3);
    expect(added.map((s) => s.index)).toEqual([0]);
    for (const c of chunks) c.buf.fill(c.id + 1);
    const seen = Buffer.from(added[0]!.sab);
    for (const c of chunks) expect([...seen.subarray((c.id % 4) * 8, (c.id % 4) * 8 + 8)]).toEqual(new Array(8).fill(c.id + 1));
    expect(pool.inUse).toBe(3);
  });

  it('grows by a segment when every slot is out, and takes from the lowest segment first', () => {
    const { pool, added } = watched(8, 2);
    const a = [pool.take(), pool.take()];
    const b = pool.take();
    expect(added.map((s) => s.index)).toEqual([0, 1]);
    expect(Math.floor(b.id / 2)).toBe(1);
    pool.give(a[0]!.id);
    expect(Math.floor(pool.take().id / 2)).toBe(0);
  });

  it('releases a wholly free segment once the others hold a segment of free slots, never segment 0', () => {
    const { pool, added, dropped } = watched(8, 2);
    const chunks = Array.from({ length: 6 }, () => pool.take());
    expect(added.map((s) => s.index)).toEqual([0, 1, 2]);
    // Free segment 0 entirely: it stays (the first segment is kept).
    pool.give(chunks[0]!.id);
    pool.give(chunks[1]!.id);
    expect(dropped).toEqual([]);
    // Segment 2 wholly free, and segment 0 holds two free slots: let it go.
    pool.give(chunks[4]!.id);
    pool.give(chunks[5]!.id);
    expect(dropped).toEqual([2]);
    expect(pool.live().map((s) => s.index)).toEqual([0, 1]);
    // Segment 1 wholly free too, with segment 0's two free slots outside it: released as well.
    pool.give(chunks[2]!.id);
    pool.give(chunks[3]!.id);
    expect(dropped).toEqual([2, 1]);
    expect(pool.inUse).toBe(0);
    // A later growth reuses the lowest free index.
    pool.take();
    pool.take();
    pool.take();
    expect(added.map((s) => s.index)).toEqual([0, 1, 2, 1]);
  });
});
