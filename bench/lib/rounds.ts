/**
 * bench:capture runs every case in several interleaved rounds (all servers,
 * then all servers again, ...) and reports medians. On a virtual machine one
 * 20 s window of the same server under the same load varied by a third from
 * run to run (recorder on, 1,000 × 100 ms: 29–43 % of a core within an hour),
 * more than the differences the targets judge; interleaving spreads slow
 * spells of the host over every server alike, and the median drops the odd one.
 */
import type { Summary } from '../../src/simulate/index.js';
import type { CaseResult } from './run-case.js';

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function medianOf(runs: readonly CaseResult[], pick: (r: CaseResult) => number | undefined): number | undefined {
  const values = runs.flatMap((r) => {
    const v = pick(r);
    return v === undefined || Number.isNaN(v) ? [] : [v];
  });
  return values.length > 0 ? median(values) : undefined;
}

function summaryMedian(runs: readonly CaseResult[], pick: (r: CaseResult) => Summary): Summary {
  return {
    count: medianOf(runs, (r) => pick(r).count) ?? 0,
    p50: medianOf(runs, (r) => pick(r).p50),
    p99: medianOf(runs, (r) => pick(r).p99),
    max: medianOf(runs, (r) => pick(r).max),
  };
}

const spread = (runs: readonly CaseResult[], pick: (r: CaseResult) => number | undefined) => runs.map((r) => pick(r)?.toFixed(1) ?? '-').join(' / ');

/**
 * One result for a case run in several rounds: each measured figure is its median over the rounds;
 * failures add up (a failed session in any round counts); notes keep every round's figures.
 */
export function combineRounds(runs: readonly CaseResult[]): CaseResult {
  const first = runs[0];
  if (!first) throw new Error('combineRounds: no runs');
  if (runs.length === 1) return first;
  const m = (pick: (r: CaseResult) => number) => medianOf(runs, pick) ?? NaN;
  const errors: Record<string, number> = {};
  for (const r of runs) for (const [k, n] of Object.entries(r.errors)) errors[k] = (errors[k] ?? 0) + n;
  const bound = runs.map((r) => r.generatorBound).filter((g): g is string => g !== undefined);
  return {
    ...first,
    offeredFps: m((r) => r.offeredFps),
    deliveredFps: m((r) => r.deliveredFps),
    serverCpuPct: m((r) => r.serverCpuPct),
    loaderCpuPct: m((r) => r.loaderCpuPct),
    loaderMaxCpuPct: m((r) => r.loaderMaxCpuPct),
    lag: {
      loopP99Ms: m((r) => r.lag.loopP99Ms),
      loopMaxMs: m((r) => r.lag.loopMaxMs),
      sendLateP99Ms: m((r) => r.lag.sendLateP99Ms),
      sendLateMaxMs: m((r) => r.lag.sendLateMaxMs),
    },
    // Bound when most rounds were: a single slow round must not mark the median, nor hide it.
    generatorBound: bound.length * 2 > runs.length ? bound[0] : undefined,
    otherCpuPct: m((r) => r.otherCpuPct),
    rssMb: m((r) => r.rssMb),
    openMs: summaryMedian(runs, (r) => r.openMs),
    rttMs: summaryMedian(runs, (r) => r.rttMs),
    failed: runs.reduce((n, r) => n + r.failed, 0),
    errors,
    notes: [
      ...runs.flatMap((r) => r.notes),
      `median of ${runs.length} rounds: server CPU ${spread(runs, (r) => r.serverCpuPct)} %, RTT p99 ${spread(runs, (r) => r.rttMs.p99)} ms, open p99 ${spread(runs, (r) => r.openMs.p99)} ms`,
    ],
    rampSeconds: medianOf(runs, (r) => r.rampSeconds),
  };
}
