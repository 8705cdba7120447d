/**
 * The capture targets (2-core machine): recorder-off CPU ≤ 1.3 × the bare ws
 * baseline, open p99 < 10 ms, RTT p99 < 5 ms at 1,000 × 20 ms, no failed
 * sessions. Each verdict says which figure it used.
 */
import type { CaseResult } from './run-case.js';
import { baselineFor, ratios } from './report.js';
import { SERVER_LABELS } from './servers.js';

export interface Verdict {
  ok: boolean;
  text: string;
}

const MAX_CPU_RATIO = 1.3;
const MAX_OPEN_P99_MS = 10;
const MAX_RTT_P99_MS = 5;
/** Delivered rates closer than this count as the same load. */
const SAME_LOAD = 0.05;

const where = (r: CaseResult): string => `${r.spec.sessions} × ${r.spec.frameMs} ms, ${SERVER_LABELS[r.spec.kind]}`;
const mark = (ok: boolean): string => (ok ? 'PASS' : 'MISS');

function cpuVerdict(r: CaseResult, all: CaseResult[]): Verdict | undefined {
  const q = ratios(r, all);
  const base = baselineFor(r, all);
  if (!q || !base) return undefined;
  // When the load generator could not deliver the same rate to both, compare per delivered frame.
  const sameLoad = Math.abs(r.deliveredFps - base.deliveredFps) <= SAME_LOAD * base.deliveredFps;
  const value = sameLoad ? q.cpu : q.perFrame;
  const basis = sameLoad ? 'CPU' : 'CPU per delivered frame (delivered rates differ)';
  return { ok: value <= MAX_CPU_RATIO, text: `${mark(value <= MAX_CPU_RATIO)}  ${where(r)}: ${basis} ${value.toFixed(2)} × baseline (target ≤ ${MAX_CPU_RATIO})` };
}

function openVerdict(r: CaseResult): Verdict {
  const p99 = r.openMs.p99 ?? Infinity;
  return { ok: p99 < MAX_OPEN_P99_MS, text: `${mark(p99 < MAX_OPEN_P99_MS)}  ${where(r)}: open p99 ${p99.toFixed(2)} ms (target < ${MAX_OPEN_P99_MS})` };
}

function rttVerdict(r: CaseResult): Verdict {
  const p99 = r.rttMs.p99 ?? Infinity;
  return { ok: p99 < MAX_RTT_P99_MS, text: `${mark(p99 < MAX_RTT_P99_MS)}  ${where(r)}: RTT p99 ${p99.toFixed(2)} ms over ${r.rttMs.count} pings (target < ${MAX_RTT_P99_MS})` };
}

function failVerdict(r: CaseResult): Verdict {
  return { ok: r.failed === 0, text: `${mark(r.failed === 0)}  ${where(r)}: ${r.failed} failed sessions (target 0)` };
}

export function verdicts(results: CaseResult[]): Verdict[] {
  const out: Verdict[] = [];
  const hookline = results.filter((r) => r.spec.kind !== 'baseline');
  for (const r of hookline.filter((x) => x.spec.kind === 'hookline-off')) {
    const v = cpuVerdict(r, results);
    if (v) out.push(v);
  }
  for (const r of hookline) out.push(openVerdict(r));
  for (const r of hookline.filter((x) => x.spec.sessions === 1000 && x.spec.frameMs === 20)) out.push(rttVerdict(r));
  for (const r of results) out.push(failVerdict(r));
  return out;
}
