/**
 * Object storage: recordings, sidecars, imported media. Two implementations —
 * the filesystem (embedded default) and S3-compatible storage — behind this
 * one interface, selected by `objects.url` (file:<dir> | s3://bucket[/prefix]).
 */
import { createHash } from 'node:crypto';
import { Transform, type Readable } from 'node:stream';

export interface PutResult {
  size: number;
  /** Hex SHA-256 of the stored bytes. */
  sha256: string;
}

/** A byte span of an object, both ends inclusive, as in an HTTP Range header (RFC 9110 section 14.1.2). */
export interface ByteRange {
  start: number;
  end: number;
}

export interface ObjectStore {
  readonly kind: 'file' | 's3';
  /** Streams `body` into `key`; the object appears whole or not at all. */
  put(key: string, body: Readable | Buffer | string, options?: { contentType?: string }): Promise<PutResult>;
  /** `range`: only bytes start..end, both inclusive (HTTP Range semantics; the caller bounds them by head()). */
  get(key: string, range?: ByteRange): Promise<Readable>;
  head(key: string): Promise<{ size: number } | undefined>;
  delete(key: string): Promise<void>;
  list(prefix: string): AsyncIterable<string>;
  /** Checks the store is reachable (readiness). */
  check(): Promise<void>;
  close(): Promise<void>;
}

export class ObjectNotFoundError extends Error {
  override name = 'ObjectNotFoundError';
  constructor(readonly key: string) {
    super(`object not found: ${key}`);
  }
}

export class ObjectStoreError extends Error {
  override name = 'ObjectStoreError';
}

const KEY_RE = /^[A-Za-z0-9!_.*'()@=+,:;-][A-Za-z0-9!_.*'()@=+,:;/-]*$/;

/** Keys are relative, slash-separated, without empty, "." or ".." segments. */
export function assertValidKey(key: string): void {
  if (!KEY_RE.test(key) || key.split('/').some((s) => s === '' || s === '.' || s === '..') || key.length > 1000) {
    throw new ObjectStoreError(`invalid object key: ${JSON.stringify(key)}`);
  }
}

/** A pass-through that counts and hashes what flows through it. */
export class HashingStream extends Transform {
  private readonly hash = createHash('sha256');
  // Not named `size`: lib-storage reads Body.size as the expected length.
  bytes = 0;

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null, data?: Buffer) => void): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    cb(null, chunk);
  }

  digest(): string {
    return this.hash.digest('hex');
  }
}
