/**
 * Feeding the ingest queue and waiting for the imports: what the producer
 * does for ended calls (one message per conversation), minus the tracking.
 */
import { performance } from 'node:perf_hooks';
import { jobKey, type IngestJob } from '../../src/ingest/index.js';
import type { Pipeline } from './pipeline.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function enqueueAll(p: Pipeline, ids: readonly string[]): Promise<number> {
  const t0 = performance.now();
  for (const conversationId of ids) {
    const job: IngestJob = { tenant: p.tenant.orgId, conversationId, source: 'backfill' };
    await p.queue.publish(p.ingest.queues.ingest, job, { key: jobKey(p.tenant.orgId, conversationId) });
  }
  return (performance.now() - t0) / 1000;
}

export interface Drained {
  imported: number;
  dead: number;
  timedOut: boolean;
}

/** Until `n` conversations are imported or dead-lettered, or the time is up. */
export async function waitForImports(p: Pipeline, n: number, timeoutMs: number): Promise<Drained> {
  const deadline = Date.now() + timeoutMs;
  let dead = 0;
  let lastCheck = 0;
  for (;;) {
    if (Date.now() - lastCheck >= 1000) {
      dead = (await p.queue.stats(p.ingest.queues.ingest)).dead;
      lastCheck = Date.now();
    }
    if (p.store.imported + dead >= n) return { imported: p.store.imported, dead, timedOut: false };
    if (Date.now() > deadline) return { imported: p.store.imported, dead, timedOut: true };
    await sleep(50);
  }
}

/** Removes what a run stored in S3 (the file store goes with its temp dir). */
export async function emptyObjectStore(p: Pipeline): Promise<void> {
  if (p.ctx.objects.kind !== 's3') return;
  const keys: string[] = [];
  for await (const k of p.ctx.objects.list('imports/')) keys.push(k);
  for (let i = 0; i < keys.length; i += 16) await Promise.all(keys.slice(i, i + 16).map((k) => p.ctx.objects.delete(k)));
}
