/**
 * S3-compatible object store (AWS, MinIO, Ceph, Swift s3api). Uploads stream
 * through lib-storage's multipart Upload, so no object is ever held whole in
 * memory; the SDK retries transient failures itself.
 */
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { Readable } from 'node:stream';
import { HashingStream, ObjectNotFoundError, ObjectStoreError, assertValidKey, type ByteRange, type ObjectStore, type PutResult } from './store.js';

export interface S3Options {
  endpoint?: string | undefined;
  region: string;
  accessKeyId?: string | undefined;
  secretAccessKey?: string | undefined;
  forcePathStyle: boolean;
  createBucket: boolean;
}

function isNotFound(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NoSuchKey' || e?.name === 'NotFound' || e?.$metadata?.httpStatusCode === 404;
}

export class S3ObjectStore implements ObjectStore {
  readonly kind = 's3' as const;
  readonly bucket: string;
  readonly prefix: string;
  private readonly client: S3Client;
  private bucketChecked = false;

  constructor(url: string, private readonly options: S3Options) {
    const u = new URL(url);
    if (!u.hostname) throw new ObjectStoreError('objects.url: s3:// URL needs a bucket name');
    this.bucket = u.hostname;
    this.prefix = u.pathname.replace(/^\/+/, '').replace(/\/*$/, '');
    this.client = new S3Client({
      region: options.region,
      forcePathStyle: options.forcePathStyle,
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      ...(options.accessKeyId && options.secretAccessKey
        ? { credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey } }
        : {}),
    });
  }

  private key(key: string): string {
    assertValidKey(key);
    return this.prefix ? `${this.prefix}/${key}` : key;
  }

  async put(key: string, body: Readable | Buffer | string, options: { contentType?: string } = {}): Promise<PutResult> {
    await this.ensureBucket();
    const hasher = new HashingStream();
    const source = typeof body === 'string' || Buffer.isBuffer(body) ? Readable.from([Buffer.from(body)]) : body;
    source.on('error', (err) => hasher.destroy(err));
    source.pipe(hasher);
    const upload = new Upload({
      client: this.client,
      params: {
        Bucket: this.bucket,
        Key: this.key(key),
        Body: hasher,
        ...(options.contentType ? { ContentType: options.contentType } : {}),
      },
      queueSize: 2,
      partSize: 5 * 1024 * 1024,
    });
    try {
      await upload.done();
    } catch (err) {
      // The upload gave up: stop reading the source, and let its late errors go nowhere.
      hasher.on('error', () => undefined);
      if (source instanceof Readable) source.destroy();
      throw err;
    }
    return { size: hasher.bytes, sha256: hasher.digest() };
  }

  async get(key: string, range?: ByteRange): Promise<Readable> {
    try {
      const res = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.key(key), ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}) }));
      return res.Body as Readable;
    } catch (err) {
      if (isNotFound(err)) throw new ObjectNotFoundError(key);
      throw err;
    }
  }

  async head(key: string): Promise<{ size: number } | undefined> {
    try {
      const res = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.key(key) }));
      return { size: res.ContentLength ?? 0 };
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.key(key) }));
  }

  async *list(prefix: string): AsyncIterable<string> {
    let token: string | undefined;
    const full = this.prefix ? `${this.prefix}/${prefix}` : prefix;
    do {
      const res = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: full, ...(token ? { ContinuationToken: token } : {}) }),
      );
      for (const o of res.Contents ?? []) {
        if (o.Key) yield this.prefix ? o.Key.slice(this.prefix.length + 1) : o.Key;
      }
      token = res.IsTruncated ? res.NextContinuationToken : undefined;
    } while (token);
  }

  async check(): Promise<void> {
    this.bucketChecked = false;
    await this.ensureBucket();
  }

  private async ensureBucket(): Promise<void> {
    if (this.bucketChecked) return;
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
    } catch (err) {
      if (!isNotFound(err) || !this.options.createBucket) throw err;
      await this.client.send(new CreateBucketCommand({ Bucket: this.bucket }));
    }
    this.bucketChecked = true;
  }

  async close(): Promise<void> {
    this.client.destroy();
  }
}
