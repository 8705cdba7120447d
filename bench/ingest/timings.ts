/**
 * Where an import's time goes: the store, the object store and the queue,
 * wrapped so every call is timed. The sums are over concurrent handlers, so
 * they are per-import costs, not shares of wall time.
 */
import { performance } from 'node:perf_hooks';
import { ConversationStore, type ConversationRows } from '../../src/conversations/index.js';
import type { Db } from '../../src/platform/db/index.js';
import type { ObjectStore } from '../../src/platform/objects/index.js';
import type { Queue } from '../../src/platform/queue/index.js';

export class Timings {
  readonly totals = new Map<string, { n: number; ms: number }>();
  /** Bytes put into the object store. */
  bytes = 0;

  async time<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const t0 = performance.now();
    try {
      return await fn();
    } finally {
      const t = this.totals.get(name) ?? { n: 0, ms: 0 };
      t.n++;
      t.ms += performance.now() - t0;
      this.totals.set(name, t);
    }
  }
}

/** The conversation store, timed, and counting completed imports (markImported is an import's last step). */
export class TimedStore extends ConversationStore {
  imported = 0;
  lastImportAt = 0;

  constructor(db: Db, private readonly t: Timings) {
    super(db);
  }

  override replace(rows: ConversationRows): Promise<void> {
    return this.t.time('db: conversation model', () => super.replace(rows));
  }

  override putRecording(row: Parameters<ConversationStore['putRecording']>[0]): Promise<void> {
    return this.t.time('db: recording row', () => super.putRecording(row));
  }

  override async markImported(tenantId: string, conversationId: string, recordings: number, at: string): Promise<void> {
    await this.t.time('db: mark imported', () => super.markImported(tenantId, conversationId, recordings, at));
    this.imported++;
    this.lastImportAt = performance.now();
  }

  override importedAmong(tenantId: string, conversationIds: string[]): Promise<Set<string>> {
    return this.t.time('db: imported among', () => super.importedAmong(tenantId, conversationIds));
  }
}

/** put() includes streaming the recording download into the store. */
export function timedObjects(inner: ObjectStore, t: Timings): ObjectStore {
  return {
    kind: inner.kind,
    put: async (key, body, options) => {
      const r = await t.time('object store put (with download stream)', () => inner.put(key, body, options));
      t.bytes += r.size;
      return r;
    },
    get: (key) => inner.get(key),
    head: (key) => inner.head(key),
    delete: (key) => inner.delete(key),
    list: (prefix) => inner.list(prefix),
    check: () => inner.check(),
    close: () => inner.close(),
  };
}

export function timedQueue(inner: Queue, t: Timings): Queue {
  return {
    kind: inner.kind,
    publish: (queue, payload, options) => t.time(`queue publish (${queue.replace(/^.*-/, '')})`, () => inner.publish(queue, payload, options)),
    consume: (queue, handler, options) => inner.consume(queue, handler, options),
    deadLetters: (queue, limit) => inner.deadLetters(queue, limit),
    retryDeadLetters: (queue, ids) => inner.retryDeadLetters(queue, ids),
    stats: (queue) => inner.stats(queue),
    check: () => inner.check(),
    close: () => inner.close(),
  };
}
