/**
 * The bench:capture tables (plain text for the terminal, Markdown for the
 * docs): one row per case, then one row per load with the ratios the targets
 * are about (recorder on ÷ off, recorder off ÷ baseline).
 */
import type { CaseResult } from './run-case.js';
import { SERVER_LABELS } from './servers.js';
import { markdownTable as mdTable, textTable as plainTable } from './table.js';
import { cpuRatio, p99Ratio, sameLoad, usPerFrame } from './targets.js';

export const COLUMNS = [
  'load',
  'server',
  'ramp s',
  'offered f/s',
  'delivered f/s',
  'server CPU %',
  'µs/frame',
  'RSS MB',
  'open p50/p99 ms',
  'RTT p50/p99 ms',
  'failed',
  'loaders',
  'loader CPU %',
  'loader lag p99 ms',
  'other CPU %',
] as const;

export const RATIO_COLUMNS = ['load', 'off ÷ base CPU', 'on ÷ off CPU', 'on ÷ off RTT p99', 'on ÷ off open p99', 'generator-bound'] as const;

type Row = Record<(typeof COLUMNS)[number], string>;
type RatioRow = Record<(typeof RATIO_COLUMNS)[number], string>;

const loadKey = (r: CaseResult): string => `${r.spec.sessions} × ${r.spec.frameMs} ms`;
const fixed = (v: number | undefined, digits: number): string => (v === undefined || Number.isNaN(v) ? '-' : v.toFixed(digits));
const pair = (a: number | undefined, b: number | undefined): string => `${fixed(a, 2)} / ${fixed(b, 2)}`;

/** "total (busiest)" when there are several loaders. */
function loaderCpu(r: CaseResult): string {
  return r.loaders > 1 ? `${fixed(r.loaderCpuPct, 0)} (max ${fixed(r.loaderMaxCpuPct, 0)})` : fixed(r.loaderCpuPct, 0);
}

/** Event-loop delay p99 / send lateness p99 of the worst loader; `!` marks a generator-bound case. */
export function lagCell(r: CaseResult): string {
  return `${pair(r.lag.loopP99Ms, r.lag.sendLateP99Ms)}${r.generatorBound ? ' !' : ''}`;
}

function row(r: CaseResult): Row {
  return {
    load: loadKey(r),
    server: SERVER_LABELS[r.spec.kind],
    'ramp s': fixed(r.rampSeconds, 1),
    'offered f/s': fixed(r.offeredFps, 0),
    'delivered f/s': fixed(r.deliveredFps, 0),
    'server CPU %': fixed(r.serverCpuPct, 1),
    'µs/frame': fixed(usPerFrame(r), 2),
    'RSS MB': fixed(r.rssMb, 0),
    'open p50/p99 ms': pair(r.openMs.p50, r.openMs.p99),
    'RTT p50/p99 ms': pair(r.rttMs.p50, r.rttMs.p99),
    failed: String(r.failed),
    loaders: String(r.loaders),
    'loader CPU %': loaderCpu(r),
    'loader lag p99 ms': lagCell(r),
    'other CPU %': fixed(r.otherCpuPct, 0),
  };
}

/** One row per load that has a recorder-off case. */
export function ratioRows(results: readonly CaseResult[]): RatioRow[] {
  return results
    .filter((r) => r.spec.kind === 'hookline-off')
    .map((off) => {
      const on = sameLoad(off, 'hookline-on', results);
      const base = sameLoad(off, 'baseline', results);
      const bound = [base, off, on].filter((c) => c?.generatorBound).map((c) => SERVER_LABELS[(c as CaseResult).spec.kind]);
      return {
        load: loadKey(off),
        'off ÷ base CPU': base ? fixed(cpuRatio(off, base).value, 2) : '-',
        'on ÷ off CPU': on ? fixed(cpuRatio(on, off).value, 2) : '-',
        'on ÷ off RTT p99': on ? fixed(p99Ratio(on.rttMs, off.rttMs), 2) : '-',
        'on ÷ off open p99': on ? fixed(p99Ratio(on.openMs, off.openMs), 2) : '-',
        'generator-bound': bound.length ? bound.join(', ') : 'no',
      };
    });
}

const cells = <C extends readonly string[]>(cols: C, rows: Record<C[number], string>[]) => rows.map((r) => cols.map((c: C[number]) => r[c]));

export function textTable(results: CaseResult[]): string {
  return plainTable(COLUMNS, cells(COLUMNS, results.map(row)));
}

export function markdownTable(results: CaseResult[]): string {
  return mdTable(COLUMNS, cells(COLUMNS, results.map(row)));
}

export function ratioTextTable(results: CaseResult[]): string {
  return plainTable(RATIO_COLUMNS, cells(RATIO_COLUMNS, ratioRows(results)));
}

export function ratioMarkdownTable(results: CaseResult[]): string {
  return mdTable(RATIO_COLUMNS, cells(RATIO_COLUMNS, ratioRows(results)));
}

/** Notes the runs raised (errors, sessions that ended early, a generator that fell behind), one line each. */
export function caseNotes(results: CaseResult[]): string[] {
  const out: string[] = [];
  for (const r of results) {
    const where = `${loadKey(r)}, ${SERVER_LABELS[r.spec.kind]}`;
    if (r.generatorBound) out.push(`${where}: ${r.generatorBound}`);
    for (const n of r.notes) out.push(`${where}: ${n}`);
    for (const [msg, n] of Object.entries(r.errors)) out.push(`${where}: ${n} × ${msg}`);
  }
  return out;
}
