import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { FsObjectStore, ObjectNotFoundError, type ObjectStore } from '../../../src/platform/objects/index.js';
import { S3ObjectStore } from '../../../src/platform/objects/s3-store.js';
import { S3, uniqueName } from '../../helpers/services.js';
import { tempDir } from '../../helpers/tmp.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

async function readAll(r: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of r) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

const stores: [string, () => ObjectStore][] = [
  ['file', () => new FsObjectStore(`${tmp.dir}/objects`)],
  [
    's3 (Swift s3api)',
    () =>
      new S3ObjectStore(`s3://${uniqueName('b').replace(/_/g, '-')}/pre`, {
        ...S3,
        forcePathStyle: true,
        createBucket: true,
      }),
  ],
];

describe.each(stores)('object store: %s', (_name, make) => {
  it('streams a multi-part object in, hashes it, reads it back, lists and deletes', async () => {
    const store = make();
    try {
      await store.check();
      const data = randomBytes(11 * 1024 * 1024 + 123);
      const chunks = Array.from({ length: Math.ceil(data.length / 65536) }, (_, i) => data.subarray(i * 65536, (i + 1) * 65536));
      const res = await store.put('recordings/org/a.wav', Readable.from(chunks), { contentType: 'audio/wav' });
      expect(res.size).toBe(data.length);
      expect(res.sha256).toBe(createHash('sha256').update(data).digest('hex'));
      await store.put('recordings/org/b.json', '{"x":1}');
      expect(Buffer.compare(await readAll(await store.get('recordings/org/a.wav')), data)).toBe(0);
      expect(await store.head('recordings/org/a.wav')).toEqual({ size: data.length });
      const keys: string[] = [];
      for await (const k of store.list('recordings/org/')) keys.push(k);
      expect(keys.sort()).toEqual(['recordings/org/a.wav', 'recordings/org/b.json']);
      await store.delete('recordings/org/a.wav');
      expect(await store.head('recordings/org/a.wav')).toBeUndefined();
      await expect(store.get('recordings/org/a.wav')).rejects.toBeInstanceOf(ObjectNotFoundError);
    } finally {
      await store.close();
    }
  });

  it('reads a byte range of an object, both ends inclusive', async () => {
    const store = make();
    try {
      await store.check();
      const data = randomBytes(4096);
      await store.put('imports/org/r.wav', data);
      expect(Buffer.compare(await readAll(await store.get('imports/org/r.wav', { start: 100, end: 199 })), data.subarray(100, 200))).toBe(0);
      expect(Buffer.compare(await readAll(await store.get('imports/org/r.wav', { start: 4000, end: 4095 })), data.subarray(4000))).toBe(0);
    } finally {
      await store.close();
    }
  });

  it('rejects keys that escape the store', async () => {
    const store = make();
    await expect(store.put('../etc/passwd', 'x')).rejects.toThrow(/invalid object key/);
    await expect(store.put('/abs', 'x')).rejects.toThrow(/invalid object key/);
    await store.close();
  });
});

describe('object store failures', () => {
  it('a failed upload stream leaves no object behind', async () => {
    const store = new FsObjectStore(`${tmp.dir}/objects2`);
    const broken = new Readable({
      read() {
        this.destroy(new Error('source broke'));
      },
    });
    await expect(store.put('x/y.bin', broken)).rejects.toThrow('source broke');
    expect(await store.head('x/y.bin')).toBeUndefined();
  });

  it('reports an unreachable S3 endpoint', async () => {
    const store = new S3ObjectStore('s3://nobucket', { endpoint: 'http://127.0.0.1:1', region: 'us-east-1', accessKeyId: 'a', secretAccessKey: 'b', forcePathStyle: true, createBucket: false });
    await expect(store.check()).rejects.toThrow();
    await store.close();
  });
});
