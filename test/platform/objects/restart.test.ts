/**
 * Object stores across failures: the filesystem store deletes the partial
 * writes a dead process left in its temporary directory when it opens; the S3
 * store, with the endpoint unreachable for a while (a proxy in front of the
 * shared server, cut and restored), reports not ready, fails writes, and works
 * again once the endpoint is back.
 */
import { existsSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { STALE_TMP_MS, openObjectStore } from '../../../src/platform/objects/index.js';
import { proxyFor } from '../../helpers/proxy.js';
import { until } from '../../helpers/server.js';
import { S3, uniqueName } from '../../helpers/services.js';
import { tempDir } from '../../helpers/tmp.js';
import { watchUncaught } from '../../helpers/uncaught.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe('filesystem object store at start', () => {
  it('deletes stale partial writes from .tmp and keeps one still being written', async () => {
    const root = join(tmp.dir, 'objects');
    mkdirSync(join(root, '.tmp'), { recursive: true });
    const stale = join(root, '.tmp', 'died-mid-download');
    const live = join(root, '.tmp', 'being-written');
    writeFileSync(stale, 'half a recording');
    writeFileSync(live, 'a recording on its way');
    const longAgo = new Date(Date.now() - STALE_TMP_MS - 60_000);
    utimesSync(stale, longAgo, longAgo);

    const store = await openObjectStore(`file:${root}`, { region: 'x', forcePathStyle: true, createBucket: false });
    try {
      expect(existsSync(stale)).toBe(false);
      expect(existsSync(live)).toBe(true);
    } finally {
      await store.close();
    }
  });
});

describe('S3 endpoint unreachable for a while', () => {
  it('reports not ready and fails writes while cut, then works again', { timeout: 60_000 }, async () => {
    const uncaught = watchUncaught();
    const proxy = await proxyFor(S3.endpoint);
    const store = await openObjectStore(`s3://${uniqueName('restart').replace(/_/g, '-')}`, { ...S3, endpoint: proxy.url(S3.endpoint), forcePathStyle: true, createBucket: true });
    try {
      await store.check();
      await store.put('a/before', 'before');
      await proxy.cut();
      await expect(store.check()).rejects.toThrow();
      await expect(store.put('a/during', 'during')).rejects.toThrow();
      await proxy.restore();
      await until(() => store.check().then(() => true, () => false), 20_000, 'the store to be reachable again');
      await store.put('a/after', 'after');
      expect(await store.head('a/after')).toEqual({ size: 5 });
      expect(uncaught.errors).toEqual([]);
    } finally {
      uncaught.stop();
      await store.close();
      await proxy.close();
    }
  });
});
