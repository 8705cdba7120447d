/**
 * The load generator as several processes (load-child.ts), driven as one:
 * sessions and the connection rate are split evenly across the loaders, and
 * their marks merge exactly (raw RTTs and open latencies, summed counts, the
 * worst loader's lag). At these rates one Node process cannot always keep up
 * with the frames it must send; the lag figures say when that happened.
 */
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { LoadOptions } from '../../src/simulate/index.js';
import { Mailbox } from './mailbox.js';
import type { LoaderLag, MarkReply, ParentMessage } from './messages.js';
import { cpuSeconds } from './proc.js';
import { spawnNode, stopChild, type Placement } from './spawn.js';

const LOAD_CHILD_JS = fileURLToPath(new URL('./load-child.js', import.meta.url));

/** Most sessions one loader gets by default: ~25,000 frames/s at 100 ms frames leaves it headroom on one core. */
export const SESSIONS_PER_LOADER = 2500;
/** A loader whose event loop or frame sends run this late at p99, or that uses this much of a core, limits the result. */
export const MAX_LAG_P99_MS = 20;
export const MAX_LOADER_CPU_PCT = 95;

export function defaultLoaders(maxSessions: number): number {
  return Math.max(1, Math.ceil(maxSessions / SESSIONS_PER_LOADER));
}

/** `total` split across `k` loaders as evenly as whole sessions allow (the first ones take the remainder). */
export function splitSessions(total: number, k: number): number[] {
  const base = Math.floor(total / k);
  return Array.from({ length: k }, (_, i) => base + (i < total % k ? 1 : 0));
}

/** Why the load generator limited this measurement, or undefined when it kept up. */
export function generatorBound(lag: LoaderLag, loaderCpuPcts: readonly number[]): string | undefined {
  const why: string[] = [];
  if (lag.loopP99Ms > MAX_LAG_P99_MS) why.push(`event-loop delay p99 ${lag.loopP99Ms.toFixed(1)} ms`);
  if (lag.sendLateP99Ms > MAX_LAG_P99_MS) why.push(`frames sent ${lag.sendLateP99Ms.toFixed(1)} ms late at p99`);
  const busiest = Math.max(0, ...loaderCpuPcts);
  if (busiest >= MAX_LOADER_CPU_PCT) why.push(`a loader at ${busiest.toFixed(0)} % of a core`);
  return why.length ? `generator-bound: ${why.join(', ')}` : undefined;
}

/** A loader numbers only the batches it was given a share of: its own index of the group's batch `batch`. */
export function loaderBatchIndex(batches: readonly (readonly number[])[], loader: number, batch: number): number {
  return batches.slice(0, batch).filter((shares) => (shares[loader] ?? 0) > 0).length;
}

export type MergedMark = Omit<MarkReply, 'type'>;

export function mergeMarks(marks: readonly MarkReply[]): MergedMark {
  const sum = (f: (m: MarkReply) => number) => marks.reduce((a, m) => a + f(m), 0);
  const worst = (f: (l: LoaderLag) => number) => Math.max(0, ...marks.map((m) => f(m.lag)));
  return {
    live: sum((m) => m.live),
    started: sum((m) => m.started),
    opened: sum((m) => m.opened),
    failed: sum((m) => m.failed),
    pending: sum((m) => m.pending),
    rttMs: marks.flatMap((m) => m.rttMs),
    openMs: marks.flatMap((m) => m.openMs),
    lag: { loopP99Ms: worst((l) => l.loopP99Ms), loopMaxMs: worst((l) => l.loopMaxMs), sendLateP99Ms: worst((l) => l.sendLateP99Ms), sendLateMaxMs: worst((l) => l.sendLateMaxMs) },
  };
}

export interface LoadTotals {
  sessions: number;
  clean: number;
  openMs: number[];
  errors: Record<string, number>;
}

interface Loader {
  child: ChildProcess;
  mailbox: Mailbox;
  pid: number;
}

export class LoaderGroup {
  /** Each batch's share per loader, so a loader given none is not waited for. */
  private readonly batches: number[][] = [];

  private constructor(private readonly loaders: Loader[]) {}

  get size(): number {
    return this.loaders.length;
  }

  /** Starts `k` loaders with `options` (the connection rate is split among them) and waits for their warm-ups. */
  static async start(k: number, options: LoadOptions, place: Placement): Promise<LoaderGroup> {
    const opts = { ...options, connectRate: options.connectRate / k };
    const loaders: Loader[] = [];
    const group = new LoaderGroup(loaders);
    try {
      for (let i = 0; i < k; i++) {
        const child = spawnNode(place, [LOAD_CHILD_JS, JSON.stringify(opts)], ['ignore', 'inherit', 'inherit', 'ipc']);
        if (child.pid === undefined) throw new Error('could not start a load generator process');
        loaders.push({ child, mailbox: new Mailbox(child), pid: child.pid });
      }
      for (const l of loaders) if (!(await l.mailbox.next('ready', 60_000))) throw new Error('a load generator did not finish its warm-up');
      return group;
    } catch (err) {
      await group.stop();
      throw err;
    }
  }

  /** Starts `added` more sessions, split across the loaders. */
  grow(added: number): void {
    const shares = splitSessions(added, this.loaders.length);
    this.batches.push(shares);
    this.loaders.forEach((l, i) => {
      if ((shares[i] ?? 0) > 0) this.send(l, { type: 'grow', sessions: shares[i] as number });
    });
  }

  /** Seconds until every session of the latest batch opened (the slowest loader), or undefined on timeout. */
  async waitOpened(timeoutMs: number): Promise<number | undefined> {
    const batch = this.batches.length - 1;
    const shares = this.batches[batch] ?? [];
    const deadline = Date.now() + timeoutMs;
    let ramp = 0;
    for (const [i, l] of this.loaders.entries()) {
      if ((shares[i] ?? 0) === 0) continue;
      // Earlier batches' late `opened` may still be queued: skip them.
      for (;;) {
        const m = await l.mailbox.next('opened', Math.max(1, deadline - Date.now()));
        if (!m) return undefined;
        if (m.batch === loaderBatchIndex(this.batches, i, batch)) {
          ramp = Math.max(ramp, m.rampSeconds);
          break;
        }
      }
    }
    return ramp;
  }

  async mark(): Promise<MergedMark> {
    for (const l of this.loaders) this.send(l, { type: 'mark' });
    const marks = await Promise.all(this.loaders.map((l) => l.mailbox.next('mark', 15_000)));
    if (marks.some((m) => !m)) throw new Error('a load generator did not answer a mark');
    return mergeMarks(marks as MarkReply[]);
  }

  /** CPU seconds used so far, per loader. */
  cpuSeconds(): number[] {
    return this.loaders.map((l) => cpuSeconds(l.pid));
  }

  /** Ends every session and collects the totals; undefined when a loader did not report within `timeoutMs`. */
  async finish(timeoutMs: number): Promise<LoadTotals | undefined> {
    for (const l of this.loaders) this.send(l, { type: 'finish' });
    const results = await Promise.all(this.loaders.map((l) => l.mailbox.next('result', timeoutMs)));
    if (results.some((r) => !r)) return undefined;
    const totals: LoadTotals = { sessions: 0, clean: 0, openMs: [], errors: {} };
    for (const r of results) {
      if (!r) continue;
      totals.sessions += r.sessions;
      totals.clean += r.clean;
      totals.openMs.push(...r.openMs);
      for (const [k, n] of Object.entries(r.errors)) totals.errors[k] = (totals.errors[k] ?? 0) + n;
    }
    return totals;
  }

  async stop(): Promise<void> {
    await Promise.all(this.loaders.map((l) => stopChild(l.child, 2000)));
  }


  private send(l: Loader, m: ParentMessage): void {
    if (l.child.connected) l.child.send(m);
  }
}
