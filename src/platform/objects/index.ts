import { resolve } from 'node:path';
import { FsObjectStore } from './fs-store.js';
import type { S3Options } from './s3-store.js';
import type { ObjectStore } from './store.js';

export * from './fs-store.js';
export * from './keys.js';
export * from './store.js';
export type { S3Options } from './s3-store.js';

/**
 * Opens the store named by `objects.url`. The S3 SDK is loaded only when it is
 * used. The filesystem store starts by deleting what writes that died left
 * behind (on S3, lib-storage aborts a failed multipart upload itself).
 */
export async function openObjectStore(url: string, s3: S3Options): Promise<ObjectStore> {
  if (url.startsWith('file:')) {
    const store = new FsObjectStore(resolve(url.slice('file:'.length) || '.'));
    await store.removeStaleTemp();
    return store;
  }
  const { S3ObjectStore } = await import('./s3-store.js');
  return new S3ObjectStore(url, s3);
}
