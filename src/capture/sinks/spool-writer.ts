/**
 * The recorder's disk thread: one worker thread opens, writes and closes
 * every spool file of a recorder. The event loop hands it work in batches —
 * the operations gathered over `periodMs`, in one message, naming chunks of
 * the shared pool (chunk-pool.ts) by number — and gets the numbers back once
 * written, to reuse the chunks.
 *
 * Why not libuv's thread pool: each `fs.write` there is a hand-off of its own
 * (a mutex, a condition variable, a wake-up, a completion callback). With the
 * server on one core, every wake-up lets the pool thread — or another process
 * — take the core from the event loop; CPU profiles of 1,000 recorded calls
 * show the event loop off its core inside `writev` for ~180 µs per call, and
 * pings waiting behind it. Here the event loop wakes the thread about
 * 1000 / periodMs times a second, however many calls are recorded, and the
 * writes themselves never run on the event loop.
 *
 * The thread's code is a small CommonJS script evaluated in the worker, so the
 * same module works from `src/` (tests) and `dist/`.
 */
import { Worker } from 'node:worker_threads';
import type { Chunk, ChunkPool, PoolSegment } from './chunk-pool.js';

/** Operations, in the order the thread runs them; ids are this writer's own file numbers. */
export type SpoolOp =
  | { op: 'open'; id: number; path: string; mode: number; companion?: Companion | undefined }
  | { op: 'write'; id: number; chunk: number; len: number }
  | { op: 'fill'; id: number; byte: number; len: number }
  | { op: 'close'; id: number };

/**
 * A small file written whole just before the spool file opens (the recorder's `.meta.json`, which
 * crash recovery needs beside the spool): on the thread, so a session's start costs the event loop
 * no thread-pool hand-offs of its own.
 */
export interface Companion {
  path: string;
  text: string;
}

/** What the thread reports per batch: bytes written, files closed, failures. */
type SpoolResult = [id: number, kind: 'w', bytes: number] | [id: number, kind: 'c', unused: 0] | [id: number, kind: 'e', message: string];

interface Reply {
  results: SpoolResult[];
  /** Chunk numbers written (or skipped for a failed file): free again. */
  chunks: number[];
}

/** Messages besides batches of operations: the pool's segments coming and going. */
type SegmentMessage = { op: 'segment'; index: number; sab: SharedArrayBuffer } | { op: 'drop'; index: number };

export interface SpoolFileEvents {
  written(bytes: number): void;
  closed(): void;
  failed(err: Error): void;
}

const WORKER_SOURCE = `
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const { size, slots } = workerData;
const segments = new Map();
for (const s of workerData.segments) segments.set(s.index, Buffer.from(s.sab));
const files = new Map();
const silences = new Map();
function silence(byte) {
  let b = silences.get(byte);
  if (!b) { b = Buffer.alloc(65536, byte); silences.set(byte, b); }
  return b;
}
function writeAll(fd, buf, off, len) {
  const end = off + len;
  while (off < end) off += fs.writeSync(fd, buf, off, end - off);
}
function writeChunk(fd, chunk, len) {
  const seg = segments.get(Math.floor(chunk / slots));
  if (!seg) throw new Error('spool chunk ' + chunk + ' is in no known segment');
  writeAll(fd, seg, (chunk % slots) * size, len);
}
function run(o, results) {
  if (o.op === 'open') {
    if (o.companion) fs.writeFileSync(o.companion.path, o.companion.text, { mode: o.mode });
    files.set(o.id, { fd: fs.openSync(o.path, 'w', o.mode) });
    return;
  }
  const f = files.get(o.id);
  if (o.op === 'close') {
    files.delete(o.id);
    if (f && f.fd !== undefined) fs.closeSync(f.fd);
    results.push([o.id, 'c', 0]);
    return;
  }
  if (!f || f.fd === undefined) return;
  if (o.op === 'write') writeChunk(f.fd, o.chunk, o.len);
  else for (let left = o.len; left > 0; ) { const s = silence(o.byte); const n = Math.min(left, s.length); writeAll(f.fd, s, 0, n); left -= n; }
  results.push([o.id, 'w', o.len]);
}
parentPort.on('message', (ops) => {
  const results = [];
  const chunks = [];
  for (const o of ops) {
    if (o.op === 'segment') { segments.set(o.index, Buffer.from(o.sab)); continue; }
    if (o.op === 'drop') { segments.delete(o.index); continue; }
    if (o.op === 'write') chunks.push(o.chunk);
    const f = files.get(o.id);
    if (f && f.failed && o.op !== 'close') continue;
    try { run(o, results); }
    catch (err) {
      const failed = files.get(o.id) || {};
      if (failed.fd !== undefined) { try { fs.closeSync(failed.fd); } catch {} }
      files.set(o.id, { failed: true });
      results.push([o.id, 'e', String(err && err.message || err)]);
    }
  }
  parentPort.postMessage({ results, chunks });
});
`;

export class SpoolWriter {
  private worker: Worker | undefined;
  private outbox: SpoolOp[] = [];
  /** Chunks handed to the thread and not yet back: returned to the pool if the thread dies. */
  private readonly inFlight = new Set<number>();
  private readonly files = new Map<number, SpoolFileEvents>();
  private nextId = 1;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly periodMs: number,
    private readonly pool: ChunkPool,
    private readonly onThreadError: (err: Error) => void,
  ) {
    // A running thread learns of new segments at once (before any write names them: messages keep
    // their order); a thread started later gets the live ones with its start.
    pool.listen({
      added: (segment) => this.tell({ op: 'segment', ...segment }),
      dropped: (index) => this.tell({ op: 'drop', index }),
    });
  }

  /** A new file number; its events arrive until it is closed or fails (the companion's failure included). */
  open(path: string, mode: number, events: SpoolFileEvents, companion?: Companion): number {
    const id = this.nextId++;
    this.files.set(id, events);
    this.thread().ref();
    this.push({ op: 'open', id, path, mode, companion });
    return id;
  }

  /** Writes `chunk`'s first `len` bytes; the chunk belongs to the thread until it is back in the pool. */
  write(id: number, chunk: Chunk, len: number): void {
    this.inFlight.add(chunk.id);
    this.push({ op: 'write', id, chunk: chunk.id, len });
  }

  fill(id: number, byte: number, len: number): void {
    this.push({ op: 'fill', id, byte, len });
  }

  close(id: number): void {
    this.push({ op: 'close', id });
  }

  /** Hands what waits to the thread now (a closing file need not wait for the next period). */
  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.outbox.length === 0) return;
    const ops = this.outbox;
    this.outbox = [];
    this.thread().postMessage(ops);
  }

  async stop(): Promise<void> {
    this.flush();
    const w = this.worker;
    this.worker = undefined;
    await w?.terminate();
  }

  private push(op: SpoolOp): void {
    this.outbox.push(op);
    if (op.op === 'close') return this.flush();
    if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), this.periodMs);
      this.timer.unref();
    }
  }

  private tell(message: SegmentMessage): void {
    this.worker?.postMessage([message]);
  }

  private thread(): Worker {
    if (this.worker) return this.worker;
    const segments: PoolSegment[] = this.pool.live();
    const workerData = { size: this.pool.size, slots: this.pool.slotsPerSegment, segments };
    const w = new Worker(WORKER_SOURCE, { eval: true, workerData });
    w.on('message', (reply: Reply) => this.replied(reply));
    w.on('error', (err) => this.lost(err));
    w.on('exit', (code) => {
      if (this.worker === w && code !== 0) this.lost(new Error(`spool writer thread exited with code ${code}`));
    });
    this.worker = w;
    return w;
  }

  private replied(reply: Reply): void {
    for (const chunk of reply.chunks) {
      this.inFlight.delete(chunk);
      this.pool.give(chunk);
    }
    for (const [id, kind, value] of reply.results) {
      const f = this.files.get(id);
      if (!f) continue;
      if (kind === 'w') f.written(value);
      else {
        this.files.delete(id);
        if (kind === 'c') f.closed();
        else f.failed(new Error(value));
      }
    }
    if (this.files.size === 0) this.worker?.unref();
  }

  /** The thread died: every open file fails (its spool stays on disk for recovery); the next open starts a new thread. */
  private lost(err: Error): void {
    this.worker = undefined;
    this.onThreadError(err);
    // Nothing will write them now: their files fail below, and the chunks are free again.
    for (const chunk of this.inFlight) this.pool.give(chunk);
    this.inFlight.clear();
    const files = [...this.files.values()];
    this.files.clear();
    for (const f of files) f.failed(err);
  }
}
