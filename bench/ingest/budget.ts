/**
 * (b) Under a Genesys budget of 300 requests/minute: a backlog big enough to
 * keep the importer busy past the window, fed at once; over a steady window
 * (after the first minute, whose full token bucket is a one-off burst) the
 * budgeted requests made / the requests the budget allows, and at the end
 * every conversation imported and no dead letters. Real time throughout:
 * Hookline paces on the wall clock and the emulator refills its bucket on
 * its virtual clock, so a faster emulator clock would measure nothing.
 */
import { performance } from 'node:perf_hooks';
import { backlog } from './capacity.js';
import type { BenchEmulator } from './emulator.js';
import { emptyObjectStore, enqueueAll, waitForImports } from './feed.js';
import { openPipeline } from './pipeline.js';
import { makeStack, type StackName } from './stacks.js';

export const BUDGET_PER_MINUTE = 300;
/** The emulator's list gives per-channel URIs, so an import costs details + list + the stereo GET. */
const REQUESTS_PER_IMPORT = 3;
const WARMUP_MS = 60_000;
/** Backlog left after the window, so the window never runs dry. */
const SPARE_MS = 30_000;

export interface BudgetResult {
  stack: StackName;
  concurrency: number;
  windowSeconds: number;
  used: number;
  allowed: number;
  fraction: number;
  conversations: number;
  imported: number;
  dead: number;
  rateLimited: number;
  requestsPerImport: number;
  /** The backlog lasted past the window's end (else the fraction understates). */
  busyThroughWindow: boolean;
  /** Budgeted requests per 10 s from the first enqueue, for the notes. */
  per10s: number[];
}

function per10s(starts: number[], t0: number): number[] {
  const out: number[] = [];
  for (const at of starts) {
    const i = Math.floor((at - t0) / 10_000);
    while (out.length <= i) out.push(0);
    out[i] = (out[i] ?? 0) + 1;
  }
  return out;
}

export async function runBudget(emu: BenchEmulator, stackName: StackName, windowSeconds: number, concurrency: number): Promise<BudgetResult> {
  const importsPerMs = BUDGET_PER_MINUTE / REQUESTS_PER_IMPORT / 60_000;
  const count = Math.ceil(importsPerMs * (WARMUP_MS + windowSeconds * 1000 + SPARE_MS));
  const ids = await backlog(emu, count);
  const stack = makeStack(stackName);
  const p = await openPipeline({ stack, org: emu.org, concurrency, consume: true });
  try {
    const t0 = performance.now();
    const enqueued = enqueueAll(p, ids);
    const drained = await waitForImports(p, count, (count * REQUESTS_PER_IMPORT * 60_000) / BUDGET_PER_MINUTE + 5 * 60_000);
    await enqueued;
    const from = t0 + WARMUP_MS;
    const to = from + windowSeconds * 1000;
    const budgeted = p.meter.budgeted();
    const used = p.meter.budgeted(from, to).length;
    const allowed = (BUDGET_PER_MINUTE * windowSeconds) / 60;
    return {
      stack: stackName,
      concurrency,
      windowSeconds,
      used,
      allowed,
      fraction: used / allowed,
      conversations: count,
      imported: drained.imported,
      dead: drained.dead,
      rateLimited: budgeted.filter((s) => s.status === 429).length,
      requestsPerImport: budgeted.length / Math.max(1, drained.imported),
      busyThroughWindow: p.store.lastImportAt >= to,
      per10s: per10s(budgeted.map((s) => s.at), t0),
    };
  } finally {
    await emptyObjectStore(p).catch(() => undefined);
    await p.close();
    await stack.cleanup();
  }
}
