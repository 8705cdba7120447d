/** bench:scale's table (plain text and Markdown) and its verdict lines. */
import { barMisses, largestMeeting, MAX_P99_MS, rssPerSessionMb, type SkippedStep, type StepResult } from './ramp.js';
import { markdownTable as mdTable, textTable as plainTable } from './table.js';

export const SCALE_COLUMNS = [
  'frames',
  'sessions',
  'live',
  'failed',
  'ramp s',
  'open p50/p99 ms',
  'RTT p50/p99 ms',
  'offered f/s',
  'delivered f/s',
  'server CPU %',
  'server procs',
  'RSS MB',
  'RSS / N MB',
  'ΔRSS / ΔN KB',
  'server fds',
  'loader CPU %',
  'loader lag p99 ms',
  'other CPU %',
  'bar',
] as const;

const fixed = (v: number | undefined, digits: number): string => (v === undefined || Number.isNaN(v) ? '-' : v.toFixed(digits));
const pair = (a: number | undefined, b: number | undefined): string => `${fixed(a, 2)} / ${fixed(b, 2)}`;

/** Memory each added session cost: RSS growth over the sessions added since the previous step of the same ramp. */
export function marginalKbPerSession(s: StepResult, prev: StepResult | undefined): number | undefined {
  if (!prev || prev.frameMs !== s.frameMs || s.sessions <= prev.sessions) return undefined;
  return ((s.rssMb - prev.rssMb) * 1024) / (s.sessions - prev.sessions);
}

function cells(s: StepResult, i: number, all: readonly StepResult[]): string[] {
  const misses = barMisses(s);
  const row: Record<(typeof SCALE_COLUMNS)[number], string> = {
    frames: `${s.frameMs} ms`,
    sessions: String(s.sessions),
    live: String(s.live),
    failed: String(s.failed),
    'ramp s': fixed(s.rampSeconds, 1),
    'open p50/p99 ms': pair(s.openMs.p50, s.openMs.p99),
    'RTT p50/p99 ms': pair(s.rttMs.p50, s.rttMs.p99),
    'offered f/s': fixed(s.offeredFps, 0),
    'delivered f/s': fixed(s.deliveredFps, 0),
    'server CPU %': fixed(s.serverCpuPct, 0),
    'server procs': String(s.serverProcesses),
    'RSS MB': fixed(s.rssMb, 0),
    'RSS / N MB': fixed(rssPerSessionMb(s), 3),
    'ΔRSS / ΔN KB': fixed(marginalKbPerSession(s, all[i - 1]), 0),
    'server fds': `${s.serverFds} / ${s.serverFdLimit}`,
    'loader CPU %': `${fixed(s.loaderCpuPct, 0)} (max ${fixed(s.loaderMaxCpuPct, 0)})`,
    'loader lag p99 ms': `${pair(s.lag.loopP99Ms, s.lag.sendLateP99Ms)}${s.generatorBound ? ' !' : ''}`,
    'other CPU %': fixed(s.otherCpuPct, 0),
    bar: misses.length ? 'MISS' : 'meets',
  };
  return SCALE_COLUMNS.map((c) => row[c]);
}

export function scaleTextTable(steps: readonly StepResult[]): string {
  return plainTable(SCALE_COLUMNS, steps.map(cells));
}

export function scaleMarkdownTable(steps: readonly StepResult[]): string {
  return mdTable(SCALE_COLUMNS, steps.map(cells));
}

function stepLine(s: StepResult): string {
  const misses = barMisses(s);
  const figures = `${s.failed} failed, open p99 ${fixed(s.openMs.p99, 1)} ms, RTT p99 ${fixed(s.rttMs.p99, 1)} ms, ${fixed(rssPerSessionMb(s), 3)} MB RSS per session`;
  const bound = s.generatorBound ? ` — ${s.generatorBound}` : '';
  return `${misses.length ? 'MISS' : 'PASS'}  ${s.sessions} × ${s.frameMs} ms: ${figures}${misses.length ? ` (${misses.join('; ')})` : ''}${bound}`;
}

/**
 * The goal lines: the top step of the 100 ms ramp against the bar (zero failed, open and RTT
 * p99 < 50 ms), and the largest N each ramp reached while meeting it.
 */
export function scaleVerdicts(ramp100: readonly StepResult[], ramp20: readonly StepResult[], goal100: number, skipped: readonly SkippedStep[] = []): string[] {
  const out: string[] = [];
  const top = ramp100.find((s) => s.sessions === goal100);
  const notRun = skipped.find((s) => s.frameMs === 100 && s.sessions === goal100);
  if (top) out.push(stepLine(top));
  else if (notRun) out.push(`MISS  ${goal100} × 100 ms ${notRun.reason}`);
  else if (ramp100.length) out.push(`MISS  ${goal100} × 100 ms was not reached (top step ${ramp100[ramp100.length - 1]?.sessions})`);
  for (const [frameMs, steps] of [[100, ramp100], [20, ramp20]] as const) {
    if (!steps.length) continue;
    const best = largestMeeting(steps);
    const bound = best?.generatorBound ? ` — ${best.generatorBound}` : '';
    out.push(
      best
        ? `largest N at ${frameMs} ms meeting the bar (0 failed, open and RTT p99 < ${MAX_P99_MS} ms): ${best.sessions} sessions, ${fixed(rssPerSessionMb(best), 3)} MB RSS per session${bound}`
        : `largest N at ${frameMs} ms meeting the bar: none (the first step, ${steps[0]?.sessions} sessions, missed)`,
    );
  }
  return out;
}

/** Notes the steps raised, one line each. */
export function scaleNotes(steps: readonly StepResult[]): string[] {
  return steps.flatMap((s) => [...(s.generatorBound ? [s.generatorBound] : []), ...s.notes].map((n) => `${s.sessions} × ${s.frameMs} ms: ${n}`));
}
