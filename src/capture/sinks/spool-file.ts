/**
 * The recorder's spool file: an append-only file written in few, large
 * writes. Frames are copied into a fixed-size chunk taken from the pool
 * (chunk-pool.ts, memory shared with the disk thread); a chunk goes to the
 * disk thread (spool-writer.ts) when it is full or when its oldest byte has
 * waited `flushMs`, and comes back to the pool once written.
 *
 * Why: a write per frame (or per file every 50 ms) costs a thread hand-off
 * each time — 20,000 a second for 1,000 calls at 20 ms frames. A 16 KiB chunk
 * holds about a second of stereo PCMU, so each call costs about one write a
 * second whatever its frame size, and calls fill their chunks at different
 * moments, so the writes spread over time instead of arriving together.
 *
 * The cost: on a hard crash a call loses what sat in memory, up to `flushMs`
 * of audio plus one writer period (a graceful stop writes everything out).
 */
import type { BatchTicker, Ticking } from './batch-ticker.js';
import type { Chunk, ChunkPool } from './chunk-pool.js';
import type { Companion, SpoolWriter } from './spool-writer.js';

export interface SpoolFileOptions {
  pool: ChunkPool;
  ticker: BatchTicker;
  writer: SpoolWriter;
  /** The most a byte waits in memory before it is handed to the disk thread. */
  flushMs: number;
  now: () => number;
  onError: (err: Error) => void;
}

export class SpoolFile implements Ticking {
  private readonly id: number;
  private chunk: Chunk | undefined;
  private used = 0;
  /** When the chunk's first byte arrived. */
  private firstAt = 0;
  /** Handed to the disk thread and not yet reported written. */
  private sentBytes = 0;
  private failed = false;
  private closing: Promise<void> | undefined;
  private done: (() => void) | undefined;

  /** `companion`: a small file the disk thread writes whole just before it opens this one. */
  constructor(
    readonly path: string,
    mode: number,
    private readonly o: SpoolFileOptions,
    companion?: Companion,
  ) {
    const events = { written: (n: number) => (this.sentBytes -= n), closed: () => this.done?.(), failed: (err: Error) => this.fail(err) };
    this.id = o.writer.open(path, mode, events, companion);
  }

  /** Bytes accepted and not yet on disk: the recorder's bounded queue. */
  get pendingBytes(): number {
    return this.used + this.sentBytes;
  }

  /** Bytes still in the chunk being filled: not yet handed to the disk thread. */
  get inMemoryBytes(): number {
    return this.used;
  }

  /** Copies `data` in; nothing of `data` is kept. */
  append(data: Uint8Array): void {
    if (this.failed) return;
    let from = 0;
    while (from < data.length) {
      if (!this.chunk) this.startChunk();
      const buf = (this.chunk as Chunk).buf;
      const n = Math.min(data.length - from, buf.length - this.used);
      buf.set(from === 0 && n === data.length ? data : data.subarray(from, from + n), this.used);
      this.used += n;
      from += n;
      if (this.used === buf.length) this.seal();
    }
  }

  /** Appends `len` bytes of `byte` (silence) without holding them in memory; what was appended before goes first. */
  fill(byte: number, len: number): void {
    if (this.failed || len <= 0) return;
    this.seal();
    this.sentBytes += len;
    this.o.writer.fill(this.id, byte, len);
  }

  /** The shared ticker: hand the chunk over once its first byte has waited `flushMs`. */
  tick(now: number): boolean {
    if (this.used === 0) return false;
    if (now - this.firstAt < this.o.flushMs) return true;
    this.seal();
    return false;
  }

  /** Writes out everything accepted, then closes the file. Never rejects: failures go to `onError`. */
  close(): Promise<void> {
    if (this.closing) return this.closing;
    this.seal();
    this.o.ticker.unwatch(this);
    this.closing = this.failed
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          this.done = resolve;
          this.o.writer.close(this.id);
        });
    return this.closing;
  }

  private startChunk(): void {
    this.chunk = this.o.pool.take();
    this.used = 0;
    this.firstAt = this.o.now();
    this.o.ticker.watch(this);
  }

  /** The chunk so far goes to the disk thread. */
  private seal(): void {
    const chunk = this.chunk;
    if (!chunk) return;
    this.chunk = undefined;
    if (this.used === 0 || this.failed) {
      this.o.pool.give(chunk.id);
      this.used = 0;
      return;
    }
    this.sentBytes += this.used;
    this.o.writer.write(this.id, chunk, this.used);
    this.used = 0;
  }

  private fail(err: Error): void {
    if (this.failed) return;
    this.failed = true;
    this.sentBytes = 0;
    this.o.onError(err);
    this.done?.();
  }
}
