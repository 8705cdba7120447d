import { resolve } from 'node:path';
import { FsObjectStore } from './fs-store.js';
import type { S3Options } from './s3-store.js';
import type { ObjectStore } from './store.js';

export * from './fs-store.js';
export * from './store.js';
export type { S3Options } from './s3-store.js';

/** Opens the store named by `objects.url`. The S3 SDK is loaded only when it is used. */
export async function openObjectStore(url: string, s3: S3Options): Promise<ObjectStore> {
  if (url.startsWith('file:')) return new FsObjectStore(resolve(url.slice('file:'.length) || '.'));
  const { S3ObjectStore } = await import('./s3-store.js');
  return new S3ObjectStore(url, s3);
}
