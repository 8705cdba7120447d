/**
 * The bench:capture table (plain text for the terminal, Markdown for the
 * docs) and the verdicts against the capture targets.
 */
import type { CaseResult } from './run-case.js';
import { SERVER_LABELS } from './servers.js';
import { markdownTable as mdTable, textTable as plainTable } from './table.js';

export const COLUMNS = [
  'load',
  'server',
  'ramp s',
  'offered f/s',
  'delivered f/s',
  'server CPU %',
  'µs/frame',
  'CPU × base',
  'µs/frame × base',
  'RSS MB',
  'open p50/p99 ms',
  'RTT p50/p99 ms',
  'failed',
  'loader CPU %',
  'other CPU %',
] as const;

type Row = Record<(typeof COLUMNS)[number], string>;

const loadKey = (r: CaseResult): string => `${r.spec.sessions} × ${r.spec.frameMs} ms`;
const usPerFrame = (r: CaseResult): number => (r.deliveredFps > 0 ? (r.serverCpuPct * 1e4) / r.deliveredFps : NaN);
const fixed = (v: number | undefined, digits: number): string => (v === undefined || Number.isNaN(v) ? '-' : v.toFixed(digits));
const pair = (a: number | undefined, b: number | undefined): string => `${fixed(a, 2)} / ${fixed(b, 2)}`;

/** The baseline case with the same load, when it was run. */
export function baselineFor(r: CaseResult, all: CaseResult[]): CaseResult | undefined {
  return all.find((b) => b.spec.kind === 'baseline' && b.spec.sessions === r.spec.sessions && b.spec.frameMs === r.spec.frameMs);
}

/** Hookline CPU over baseline CPU for the same offered load (raw) and per delivered frame. */
export function ratios(r: CaseResult, all: CaseResult[]): { cpu: number; perFrame: number } | undefined {
  const base = baselineFor(r, all);
  if (!base || r.spec.kind === 'baseline') return undefined;
  return { cpu: r.serverCpuPct / base.serverCpuPct, perFrame: usPerFrame(r) / usPerFrame(base) };
}

function row(r: CaseResult, all: CaseResult[]): Row {
  const q = ratios(r, all);
  return {
    load: loadKey(r),
    server: SERVER_LABELS[r.spec.kind],
    'ramp s': fixed(r.rampSeconds, 1),
    'offered f/s': fixed(r.offeredFps, 0),
    'delivered f/s': fixed(r.deliveredFps, 0),
    'server CPU %': fixed(r.serverCpuPct, 1),
    'µs/frame': fixed(usPerFrame(r), 2),
    'CPU × base': q ? fixed(q.cpu, 2) : '-',
    'µs/frame × base': q ? fixed(q.perFrame, 2) : '-',
    'RSS MB': fixed(r.rssMb, 0),
    'open p50/p99 ms': pair(r.openMs.p50, r.openMs.p99),
    'RTT p50/p99 ms': pair(r.rttMs.p50, r.rttMs.p99),
    failed: String(r.failed),
    'loader CPU %': fixed(r.loaderCpuPct, 0),
    'other CPU %': fixed(r.otherCpuPct, 0),
  };
}

export function textTable(results: CaseResult[]): string {
  return plainTable(COLUMNS, results.map((r) => COLUMNS.map((c) => row(r, results)[c])));
}

export function markdownTable(results: CaseResult[]): string {
  return mdTable(COLUMNS, results.map((r) => COLUMNS.map((c) => row(r, results)[c])));
}

/** Notes the runs raised (errors, sessions that ended early), one line each. */
export function caseNotes(results: CaseResult[]): string[] {
  const out: string[] = [];
  for (const r of results) {
    const where = `${loadKey(r)}, ${SERVER_LABELS[r.spec.kind]}`;
    for (const n of r.notes) out.push(`${where}: ${n}`);
    for (const [msg, n] of Object.entries(r.errors)) out.push(`${where}: ${n} × ${msg}`);
  }
  return out;
}
