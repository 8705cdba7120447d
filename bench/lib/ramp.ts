/**
 * bench:scale's ramp logic, kept pure so it can be tested: what one step
 * measured, the bar a step must meet (no failed sessions, open p99 and RTT
 * p99 under 50 ms) and the largest step that met it.
 */
import type { Summary } from '../../src/simulate/index.js';
import { fdsNeeded, FD_SLACK, maxSessionsWithin, type FdLimits } from './fds.js';
import type { LoaderLag } from './messages.js';

export const MAX_P99_MS = 50;

export interface StepResult {
  frameMs: number;
  /** Sessions this step holds (all earlier steps' sessions stay open). */
  sessions: number;
  /** Opened sessions still streaming at the end of the window. */
  live: number;
  /** Sessions failed so far in this ramp: ended before the end (refused, dropped) or still not opened. */
  failed: number;
  /** Open latency of this step's new sessions. */
  openMs: Summary;
  /** Ping round trips over this step's window. */
  rttMs: Summary;
  rampSeconds: number | undefined;
  offeredFps: number;
  deliveredFps: number;
  /** Server process tree (primary and workers) CPU, % of one core (200 = both cores of this machine). */
  serverCpuPct: number;
  serverProcesses: number;
  rssMb: number;
  /** Open files in the server's process tree at the end of the window, and the server's limit. */
  serverFds: number;
  serverFdLimit: number;
  loaderCpuPct: number;
  loaderMaxCpuPct: number;
  lag: LoaderLag;
  generatorBound: string | undefined;
  otherCpuPct: number;
  notes: string[];
}

/** Why a step misses the bar; empty when it meets it. */
export function barMisses(s: Pick<StepResult, 'failed' | 'openMs' | 'rttMs'>): string[] {
  const why: string[] = [];
  if (s.failed > 0) why.push(`${s.failed} failed sessions`);
  if (s.openMs.p99 === undefined) why.push('no session opened in this step');
  else if (s.openMs.p99 >= MAX_P99_MS) why.push(`open p99 ${s.openMs.p99.toFixed(1)} ms ≥ ${MAX_P99_MS}`);
  if (s.rttMs.p99 === undefined) why.push('no ping answered in the window');
  else if (s.rttMs.p99 >= MAX_P99_MS) why.push(`RTT p99 ${s.rttMs.p99.toFixed(1)} ms ≥ ${MAX_P99_MS}`);
  return why;
}

/** The largest step before the first one that missed the bar (undefined when the first missed). */
export function largestMeeting<S extends Pick<StepResult, 'sessions' | 'failed' | 'openMs' | 'rttMs'>>(steps: readonly S[]): S | undefined {
  let last: S | undefined;
  for (const s of steps) {
    if (barMisses(s).length > 0) break;
    last = s;
  }
  return last;
}

/** Steps must grow: each one adds sessions to those already open. */
export function checkSteps(flag: string, steps: readonly number[]): void {
  steps.forEach((n, i) => {
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${flag}: "${n}" is not a whole number of sessions ≥ 1`);
    if (i > 0 && n <= (steps[i - 1] as number)) throw new Error(`--${flag}: steps must increase (${steps[i - 1]} then ${n})`);
  });
}

export function rssPerSessionMb(s: Pick<StepResult, 'rssMb' | 'sessions'>): number {
  return s.rssMb / s.sessions;
}

export interface SkippedStep {
  frameMs: number;
  sessions: number;
  reason: string;
}

/**
 * Splits the steps into those the server's open-files limit allows and those it
 * does not (each with the reason), assuming the sessions spread evenly over
 * `processes` server processes, each needing `perSession` descriptors per session.
 */
export function stepsWithinFdLimit(frameMs: number, steps: readonly number[], processes: number, perSession: number, limits: FdLimits): { run: number[]; skipped: SkippedStep[] } {
  const max = maxSessionsWithin(limits, perSession);
  const run: number[] = [];
  const skipped: SkippedStep[] = [];
  for (const sessions of steps) {
    const each = Math.ceil(sessions / processes);
    if (each <= max) run.push(sessions);
    else {
      const who = processes > 1 ? `each of ${processes} server processes` : 'the server';
      const reason =
        `not run: ${who} would need about ${fdsNeeded({ sessions: each, perSession })} open files (${each} sessions × ${perSession} + ${FD_SLACK}), ` +
        `over the hard limit of ${limits.hard} (ulimit -Hn), which this process may not raise; raise it before the run or spread the sessions with --workers`;
      skipped.push({ frameMs, sessions, reason });
    }
  }
  return { run, skipped };
}
