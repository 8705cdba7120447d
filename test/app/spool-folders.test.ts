/**
 * Spool folders under `server.workers`: each worker spools in its own folder
 * and recovers only folders no live process writes, so a worker starting never
 * uploads (and deletes) another worker's recording while it is being written.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spoolFolders } from '../../src/app/serve.js';
import { tempDir } from '../helpers/tmp.js';

describe('spool folders', () => {
  const t = tempDir('hookline-spools-');
  afterAll(() => t.cleanup());
  const base = join(t.dir, 'spool');
  for (const w of ['w1', 'w2', 'w3', 'wx']) mkdirSync(join(base, w), { recursive: true });
  writeFileSync(join(base, 'w4'), 'a file, not a folder');

  it('one process spools at the top and recovers the worker folders a former cluster left', () => {
    const { own, orphans } = spoolFolders(base, undefined);
    expect(own).toBe(base);
    expect(orphans.sort()).toEqual(['w1', 'w2', 'w3'].map((w) => join(base, w)));
  });

  it('worker 1 of 2 spools in w1 and recovers the top folder and the folders of workers beyond 2', () => {
    expect(spoolFolders(base, { index: 1, workers: 2 })).toEqual({ own: join(base, 'w1'), orphans: [base, join(base, 'w3')] });
  });

  it('any other worker recovers only its own folder (its predecessor\'s, after a restart)', () => {
    expect(spoolFolders(base, { index: 2, workers: 2 })).toEqual({ own: join(base, 'w2'), orphans: [] });
  });

  it('copes with a spool folder not made yet', () => {
    expect(spoolFolders(join(t.dir, 'none'), undefined)).toEqual({ own: join(t.dir, 'none'), orphans: [] });
  });
});
