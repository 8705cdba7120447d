/**
 * (a) Pipeline capacity: a backlog of ended conversations (emulator rate
 * limits off) fed into the ingest queue; conversations per second from the
 * first enqueue to the last import, and what each import spent its time on.
 */
import { performance } from 'node:perf_hooks';
import { cpuSpan, type CpuShare } from './cpu.js';
import type { BenchEmulator } from './emulator.js';
import { emptyObjectStore, enqueueAll, waitForImports } from './feed.js';
import { openPipeline, type Pipeline } from './pipeline.js';
import { makeStack, type StackName } from './stacks.js';

export interface CapacityResult {
  stack: StackName;
  concurrency: number;
  conversations: number;
  imported: number;
  dead: number;
  seconds: number;
  perSecond: number;
  mbPerSecond: number;
  enqueueSeconds: number;
  cpu: CpuShare;
  /** Mean ms per imported conversation, by where it went. */
  perImport: { what: string; ms: number; calls: number }[];
}

const HOUR = 3600_000;

/** Ended conversations between 6 h and 1 h ago: recordings transcoded, analytics settled. */
export async function backlog(emu: BenchEmulator, count: number): Promise<string[]> {
  const now = (await emu.control.clock()).now;
  const made = await emu.control.addHistory(emu.org.orgId, { count, from: now - 6 * HOUR, to: now - HOUR, includeIds: true });
  return made.conversationIds ?? [];
}

function breakdown(p: Pipeline, imported: number): CapacityResult['perImport'] {
  const rows = [...p.meter.byKind()].map(([kind, v]) => ({ what: `genesys: ${kind}`, ms: v.ms, calls: v.n }));
  for (const [name, v] of p.timings.totals) rows.push({ what: name, ms: v.ms, calls: v.n });
  const n = Math.max(1, imported);
  return rows.map((r) => ({ what: r.what, ms: r.ms / n, calls: r.calls / n })).sort((a, b) => b.ms - a.ms);
}

export async function runCapacity(emu: BenchEmulator, stackName: StackName, ids: readonly string[], concurrency: number): Promise<CapacityResult> {
  const stack = makeStack(stackName);
  const p = await openPipeline({ stack, org: emu.org, concurrency, consume: true });
  try {
    const cpu = cpuSpan(emu.pid);
    const t0 = performance.now();
    const enqueued = enqueueAll(p, ids);
    const drained = await waitForImports(p, ids.length, 15 * 60_000);
    const enqueueSeconds = await enqueued;
    const seconds = (p.store.lastImportAt - t0) / 1000;
    return {
      stack: stackName,
      concurrency,
      conversations: ids.length,
      imported: drained.imported,
      dead: drained.dead,
      seconds,
      perSecond: drained.imported / seconds,
      mbPerSecond: p.timings.bytes / 1e6 / seconds,
      enqueueSeconds,
      cpu: cpu(),
      perImport: breakdown(p, drained.imported),
    };
  } finally {
    await emptyObjectStore(p).catch(() => undefined);
    await p.close();
    await stack.cleanup();
  }
}
