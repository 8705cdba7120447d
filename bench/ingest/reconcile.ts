/**
 * (c) Reconciliation of a day with 100,000 conversations of monitored agents
 * in the emulator's analytics and nothing imported: `Reconciler.run` over
 * that UTC day (the nightly job's work) must find and queue every one. The
 * directory is synced first, as `hookline reconcile` does, and not timed.
 */
import { performance } from 'node:perf_hooks';
import { cpuSpan, type CpuShare } from './cpu.js';
import type { BenchEmulator } from './emulator.js';
import { openPipeline, type Pipeline } from './pipeline.js';
import { makeStack, type StackName } from './stacks.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;

export interface ReconcileResult {
  stack: StackName;
  conversations: number;
  historySeconds: number;
  seconds: number;
  found: number;
  enqueued: number;
  failed: number;
  queued: number;
  error: string | undefined;
  requests: number;
  /** Requests and the mean ms until each answer's head arrived, by kind. */
  byKind: { kind: string; n: number; ms: number }[];
  cpu: CpuShare;
  usedJob: boolean;
  /** Seconds from the run's start to its first job request, to the first results page, to the last. */
  phases: { toJobSubmit?: number; toFirstPage?: number; toLastPage?: number };
  /** Total ms spent queueing and checking what is imported. */
  publishMs: number;
  importedCheckMs: number;
}

/** The latest whole UTC day that ended at least an hour ago (the data lake has caught up with it). */
export function lastFullDay(now: number): [number, number] {
  const end = Math.floor((now - HOUR) / DAY) * DAY;
  return [end - DAY, end];
}

async function syncDirectory(p: Pipeline): Promise<void> {
  const client = p.clients.get(p.tenant);
  const members = async function* () {
    for await (const u of client.groups.members(p.tenant.monitoredGroupId as string)) yield { userId: u.id, name: u.name, email: u.email, active: (u.state ?? 'active') === 'active' };
  };
  await p.directory.sync(p.tenant.orgId, members());
}

function phases(p: Pipeline, since: number): ReconcileResult['phases'] {
  const sent = p.meter.sent.filter((s) => s.at >= since);
  const at = (kind: string) => sent.filter((s) => s.kind === kind).map((s) => (s.at - since) / 1000);
  const submits = at('job submit');
  const pages = at('job results page');
  return { toJobSubmit: submits[0], toFirstPage: pages[0], toLastPage: pages.at(-1) };
}

export async function runReconcile(emu: BenchEmulator, stackName: StackName, count: number): Promise<ReconcileResult> {
  const [from, to] = lastFullDay((await emu.control.clock()).now);
  const h0 = performance.now();
  await emu.control.addHistory(emu.org.orgId, { count, from, to });
  const historySeconds = (performance.now() - h0) / 1000;
  const stack = makeStack(stackName);
  const p = await openPipeline({ stack, org: emu.org, concurrency: 1, consume: false });
  try {
    await syncDirectory(p);
    const cpu = cpuSpan(emu.pid);
    const t0 = performance.now();
    const report = await p.ingest.reconcile(p.tenant.orgId, new Date(from), new Date(to), 'manual');
    const seconds = (performance.now() - t0) / 1000;
    const sent = p.meter.budgeted(t0);
    const kinds = new Map<string, { n: number; ms: number }>();
    for (const s of sent) {
      const k = kinds.get(s.kind) ?? { n: 0, ms: 0 };
      k.n++;
      k.ms += s.ms;
      kinds.set(s.kind, k);
    }
    return {
      stack: stackName,
      conversations: count,
      historySeconds,
      seconds,
      found: report.found,
      enqueued: report.enqueued,
      failed: report.failed,
      queued: (await p.queue.stats(p.ingest.queues.ingest)).ready,
      error: report.error,
      requests: sent.length,
      byKind: [...kinds].map(([kind, k]) => ({ kind, n: k.n, ms: k.ms / k.n })),
      cpu: cpu(),
      usedJob: kinds.has('job submit'),
      phases: phases(p, t0),
      publishMs: p.timings.totals.get('queue publish (ingest)')?.ms ?? 0,
      importedCheckMs: p.timings.totals.get('db: imported among')?.ms ?? 0,
    };
  } finally {
    await p.close();
    await stack.cleanup();
  }
}
