/**
 * Filesystem object store: each object is a file under the root. Writes go to
 * a temporary file that is fsynced and renamed, so a crash never leaves half
 * an object under its final name.
 */
import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { HashingStream, ObjectNotFoundError, assertValidKey, type ByteRange, type ObjectStore, type PutResult } from './store.js';

const TMP_DIR = '.tmp';
/** Recordings and imports are call audio and customer data: the service's user only. */
const PRIVATE_DIR = 0o700;
const PRIVATE_FILE = 0o600;

/**
 * A temporary file untouched this long belongs to a write that died (a crash,
 * a kill mid-download). A live write touches its file with every chunk, and
 * another process on the same root (a management command beside the server)
 * may be writing one now: so not "every file at start", only the stale ones.
 */
export const STALE_TMP_MS = 15 * 60_000;

export class FsObjectStore implements ObjectStore {
  readonly kind = 'file' as const;
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  private path(key: string): string {
    assertValidKey(key);
    return join(this.root, ...key.split('/'));
  }

  async put(key: string, body: Readable | Buffer | string): Promise<PutResult> {
    const target = this.path(key);
    const tmpDir = join(this.root, TMP_DIR);
    await mkdir(tmpDir, { recursive: true, mode: PRIVATE_DIR });
    await mkdir(dirname(target), { recursive: true, mode: PRIVATE_DIR });
    const tmp = join(tmpDir, randomUUID());
    const hasher = new HashingStream();
    const source = typeof body === 'string' || Buffer.isBuffer(body) ? Readable.from([Buffer.from(body)]) : body;
    try {
      await pipeline(source, hasher, createWriteStream(tmp, { mode: PRIVATE_FILE }));
      const fh = await open(tmp, 'r');
      try {
        await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(tmp, target);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
    return { size: hasher.bytes, sha256: hasher.digest() };
  }

  async get(key: string, range?: ByteRange): Promise<Readable> {
    const p = this.path(key);
    try {
      await stat(p);
    } catch {
      throw new ObjectNotFoundError(key);
    }
    return createReadStream(p, range ? { start: range.start, end: range.end } : {});
  }

  async head(key: string): Promise<{ size: number } | undefined> {
    try {
      const s = await stat(this.path(key));
      return s.isFile() ? { size: s.size } : undefined;
    } catch {
      return undefined;
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.path(key), { force: true });
  }

  async *list(prefix: string): AsyncIterable<string> {
    const start = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/')) : '';
    yield* this.walk(join(this.root, ...start.split('/').filter(Boolean)), prefix);
  }

  private async *walk(dir: string, prefix: string): AsyncIterable<string> {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const e of entries) {
      const full = join(dir, e.name);
      const key = relative(this.root, full).split(sep).join('/');
      if (key === TMP_DIR) continue;
      if (e.isDirectory()) yield* this.walk(full, prefix);
      else if (key.startsWith(prefix)) yield key;
    }
  }

  async check(): Promise<void> {
    await mkdir(this.root, { recursive: true, mode: PRIVATE_DIR });
  }

  /** Deletes the partial writes left in the temporary directory; returns how many. */
  async removeStaleTemp(olderThanMs = STALE_TMP_MS, now = Date.now()): Promise<number> {
    const dir = join(this.root, TMP_DIR);
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      return 0; // no directory: nothing was ever written
    }
    let removed = 0;
    for (const name of names) {
      const path = join(dir, name);
      const s = await stat(path).catch(() => undefined);
      if (!s || now - s.mtimeMs < olderThanMs) continue;
      await rm(path, { force: true, recursive: true });
      removed++;
    }
    return removed;
  }

  async close(): Promise<void> {}
}
