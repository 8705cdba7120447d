/**
 * The capture targets, each a ratio between two cases of one run (2-core
 * machine):
 *   - "recording for free": Hookline with the recorder on ≤ 1.10 × recorder off
 *     CPU, and RTT p99 and open p99 ≤ 1.2 × recorder off, at each load;
 *   - recorder-off Hookline CPU ≤ 1.3 × the bare `ws` baseline;
 *   - no failed sessions in any case.
 * CPU is compared per delivered frame when the two cases' delivered rates
 * differ. A verdict involving a generator-bound case says so.
 */
import type { CaseResult } from './run-case.js';
import { SERVER_LABELS, type ServerKind } from './servers.js';

export interface Verdict {
  ok: boolean;
  text: string;
}

export const MAX_OFF_OVER_BASE_CPU = 1.3;
export const MAX_ON_OVER_OFF_CPU = 1.1;
export const MAX_ON_OVER_OFF_LATENCY = 1.2;
/** Delivered rates closer than this count as the same load. */
const SAME_LOAD = 0.05;

/** Server CPU time per delivered frame. */
export const usPerFrame = (r: CaseResult): number => (r.deliveredFps > 0 ? (r.serverCpuPct * 1e4) / r.deliveredFps : NaN);

const loadOf = (r: CaseResult): string => `${r.spec.sessions} × ${r.spec.frameMs} ms`;
const where = (r: CaseResult): string => `${loadOf(r)}, ${SERVER_LABELS[r.spec.kind]}`;
const mark = (ok: boolean): string => (ok ? 'PASS' : 'MISS');

/** The case of `kind` with the same load as `r`, when it was run. */
export function sameLoad(r: CaseResult, kind: ServerKind, all: readonly CaseResult[]): CaseResult | undefined {
  return all.find((b) => b.spec.kind === kind && b.spec.sessions === r.spec.sessions && b.spec.frameMs === r.spec.frameMs);
}

export interface Ratio {
  value: number;
  /** 'CPU', or 'CPU per delivered frame' when the delivered rates differ by more than 5 %. */
  basis: string;
}

/** `r`'s server CPU over `ref`'s: raw at the same delivered load, else per delivered frame. */
export function cpuRatio(r: CaseResult, ref: CaseResult): Ratio {
  const same = Math.abs(r.deliveredFps - ref.deliveredFps) <= SAME_LOAD * ref.deliveredFps;
  return same ? { value: r.serverCpuPct / ref.serverCpuPct, basis: 'CPU' } : { value: usPerFrame(r) / usPerFrame(ref), basis: 'CPU per delivered frame (delivered rates differ)' };
}

/** p99 over p99 (NaN when either case has no samples). */
export function p99Ratio(r: { p99?: number | undefined }, ref: { p99?: number | undefined }): number {
  return r.p99 === undefined || ref.p99 === undefined ? NaN : r.p99 / ref.p99;
}

function boundNote(...cases: CaseResult[]): string {
  const bound = cases.filter((c) => c.generatorBound);
  return bound.length ? ` — ${bound.map((c) => `${SERVER_LABELS[c.spec.kind]} ${c.generatorBound}`).join('; ')}` : '';
}

function ratioVerdict(label: string, value: number, max: number, suffix: string): Verdict {
  const ok = value <= max;
  return { ok, text: `${mark(ok)}  ${label} ${Number.isNaN(value) ? '-' : value.toFixed(2)} (target ≤ ${max})${suffix}` };
}

/** Recorder on ÷ recorder off at one load: CPU, RTT p99, open p99. */
function recorderVerdicts(on: CaseResult, off: CaseResult): Verdict[] {
  const load = loadOf(on);
  const cpu = cpuRatio(on, off);
  const note = boundNote(on, off);
  return [
    ratioVerdict(`${load}: recorder on ÷ off, ${cpu.basis}`, cpu.value, MAX_ON_OVER_OFF_CPU, note),
    ratioVerdict(`${load}: recorder on ÷ off, RTT p99 (${on.rttMs.p99?.toFixed(2) ?? '-'} / ${off.rttMs.p99?.toFixed(2) ?? '-'} ms)`, p99Ratio(on.rttMs, off.rttMs), MAX_ON_OVER_OFF_LATENCY, note),
    ratioVerdict(`${load}: recorder on ÷ off, open p99 (${on.openMs.p99?.toFixed(2) ?? '-'} / ${off.openMs.p99?.toFixed(2) ?? '-'} ms)`, p99Ratio(on.openMs, off.openMs), MAX_ON_OVER_OFF_LATENCY, note),
  ];
}

function baselineVerdict(off: CaseResult, base: CaseResult): Verdict {
  const cpu = cpuRatio(off, base);
  return ratioVerdict(`${loadOf(off)}: recorder off ÷ ws baseline, ${cpu.basis}`, cpu.value, MAX_OFF_OVER_BASE_CPU, boundNote(off, base));
}

function failVerdict(r: CaseResult): Verdict {
  return { ok: r.failed === 0, text: `${mark(r.failed === 0)}  ${where(r)}: ${r.failed} failed sessions (target 0)` };
}

export function verdicts(results: readonly CaseResult[]): Verdict[] {
  const out: Verdict[] = [];
  for (const off of results.filter((r) => r.spec.kind === 'hookline-off')) {
    const on = sameLoad(off, 'hookline-on', results);
    if (on) out.push(...recorderVerdicts(on, off));
    const base = sameLoad(off, 'baseline', results);
    if (base) out.push(baselineVerdict(off, base));
  }
  for (const r of results) out.push(failVerdict(r));
  return out;
}
