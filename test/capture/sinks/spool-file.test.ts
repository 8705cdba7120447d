/**
 * The recorder's spool file: bytes land in order across chunk boundaries and
 * silence fills, a chunk goes to the disk when full or once it has waited
 * flushMs (virtual time), and a failure is reported, not thrown.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BatchTicker } from '../../../src/capture/sinks/batch-ticker.js';
import { ChunkPool } from '../../../src/capture/sinks/chunk-pool.js';
import { SpoolFile } from '../../../src/capture/sinks/spool-file.js';
import { SpoolWriter } from '../../../src/capture/sinks/spool-writer.js';
import { tempDir } from '../../helpers/tmp.js';
import { until } from '../../helpers/until.js';

function bytes(n: number, seed: number): Buffer {
  return Buffer.from(Array.from({ length: n }, (_, i) => (seed * 31 + i) % 251));
}

describe('spool file', () => {
  const t = tempDir();
  const writers: SpoolWriter[] = [];
  /** A pool of `size`-byte chunks and its writer (a writer serves one pool). */
  const rig = (size?: number) => {
    const pool = new ChunkPool(size, 4);
    const writer = new SpoolWriter(5, pool, () => undefined);
    writers.push(writer);
    return { pool, writer };
  };
  afterAll(async () => {
    for (const w of writers) await w.stop();
    t.cleanup();
  });
  let clock = 0;
  const now = () => clock;
  // A period far beyond the test: the ticker never runs by itself; the tests call tick().
  const ticker = new BatchTicker(3_600_000, now);

  it('writes everything appended, in order, across chunk boundaries and silence fills', async () => {
    const path = join(t.dir, 'order.bin');
    const errors: Error[] = [];
    const r = rig(64);
    const f = new SpoolFile(path, 0o600, { ...r, ticker, flushMs: 1000, now, onError: (e) => errors.push(e) });
    const expected: Buffer[] = [];
    const silence = Buffer.alloc(200, 0xff);
    for (let i = 0; i < 40; i++) {
      const b = bytes(7 + ((i * 13) % 90), i);
      f.append(b);
      expected.push(b);
      if (i % 9 === 4) {
        f.fill(0xff, 200);
        expected.push(silence);
      }
    }
    await f.close();
    expect(errors).toEqual([]);
    expect(readFileSync(path).equals(Buffer.concat(expected))).toBe(true);
    expect(f.pendingBytes).toBe(0);
    // Every chunk came back from the disk thread (the pool grew and shrank segments of 4 on the way).
    expect(r.pool.inUse).toBe(0);
  });

  it('writes a companion file whole before the spool file, with the same mode, and reports its failure', async () => {
    const path = join(t.dir, 'with-meta.bin');
    const companion = { path: join(t.dir, 'with-meta.json'), text: '{"wavKey":"k"}' };
    const f = new SpoolFile(path, 0o600, { ...rig(), ticker, flushMs: 1000, now, onError: () => undefined }, companion);
    f.append(bytes(10, 7));
    await f.close();
    expect(readFileSync(companion.path, 'utf8')).toBe(companion.text);
    expect(statSync(companion.path).mode & 0o777).toBe(0o600);
    const errors: Error[] = [];
    const bad = new SpoolFile(join(t.dir, 'no-meta.bin'), 0o600, { ...rig(), ticker, flushMs: 1000, now, onError: (e) => errors.push(e) }, { path: join(t.dir, 'missing', 'm.json'), text: '{}' });
    bad.append(bytes(10, 8));
    await bad.close();
    expect(errors[0]?.message).toMatch(/ENOENT/);
    expect(statSync(join(t.dir, 'no-meta.bin'), { throwIfNoEntry: false })).toBeUndefined();
  });

  it('a disk thread started after the pool made its segments gets them', async () => {
    const path = join(t.dir, 'late.bin');
    const pool = new ChunkPool(16, 2);
    // Segments made before any file opens (no thread yet).
    const early = [pool.take(), pool.take(), pool.take()];
    for (const c of early) pool.give(c.id);
    const writer = new SpoolWriter(5, pool, () => undefined);
    writers.push(writer);
    const errors: Error[] = [];
    const f = new SpoolFile(path, 0o600, { pool, writer, ticker, flushMs: 1000, now, onError: (e) => errors.push(e) });
    const data = bytes(100, 9);
    f.append(data);
    await f.close();
    expect(errors).toEqual([]);
    expect(readFileSync(path).equals(data)).toBe(true);
  });

  it('keeps a partly filled chunk in memory until its first byte has waited flushMs', async () => {
    const path = join(t.dir, 'aged.bin');
    clock = 10_000;
    const f = new SpoolFile(path, 0o600, { ...rig(), ticker, flushMs: 1000, now, onError: () => undefined });
    f.append(bytes(320, 1));
    clock += 500;
    f.append(bytes(320, 2));
    expect(f.tick(clock + 499)).toBe(true);
    expect(f.inMemoryBytes).toBe(640);
    expect(f.tick(clock + 500)).toBe(false);
    expect(f.inMemoryBytes).toBe(0);
    await until(() => statSync(path, { throwIfNoEntry: false })?.size === 640, 5000, 'the aged chunk on disk');
    await f.close();
  });

  it('hands a chunk to the disk as soon as it is full, without waiting', async () => {
    const path = join(t.dir, 'full.bin');
    const f = new SpoolFile(path, 0o600, { ...rig(1024), ticker, flushMs: 60_000, now, onError: () => undefined });
    f.append(bytes(1000, 3));
    expect(f.inMemoryBytes).toBe(1000);
    f.append(bytes(100, 4));
    expect(f.inMemoryBytes).toBe(76);
    await until(() => statSync(path, { throwIfNoEntry: false })?.size === 1024, 5000, 'the full chunk on disk');
    await f.close();
    expect(statSync(path).size).toBe(1100);
  });

  it('reports a file it cannot open and still closes', async () => {
    const errors: Error[] = [];
    const f = new SpoolFile(join(t.dir, 'missing', 'x.bin'), 0o600, { ...rig(), ticker, flushMs: 1000, now, onError: (e) => errors.push(e) });
    f.append(bytes(10, 5));
    await until(() => errors.length > 0, 5000, 'the open error');
    await f.close();
    expect(errors[0]?.message).toMatch(/ENOENT/);
  });
});
