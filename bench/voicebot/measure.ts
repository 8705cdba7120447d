/**
 * bench:voicebot's figures from the emulator's bot-call log (pure): the bot's
 * response time to each caller input, call-seconds, and the capacity rule.
 *
 * Response time: from the end of the caller's input — the send time of the
 * frame holding a phrase's measured speech end, or of a DTMF step's last key
 * (`callerTurns[].endSentAtMs`) — to the start of the next playback
 * (`playbacks[].startedAtMs`: the first bot audio of the answer arriving at
 * the emulator). Both are on the session's clock, in the bench process.
 */
import type { BotCallEntry } from '../../src/emulator/botcall/entry.js';
import { percentile } from '../../src/platform/metrics/index.js';

export interface Responses {
  /** Milliseconds, one per caller input that got an answer. */
  latencies: number[];
  /** Caller inputs no playback followed. */
  unanswered: number;
}

export function responseTimes(e: Pick<BotCallEntry, 'callerTurns' | 'playbacks'>): Responses {
  const latencies: number[] = [];
  let unanswered = 0;
  for (const t of e.callerTurns) {
    const next = e.playbacks.find((p) => p.startedAtMs >= t.endSentAtMs);
    if (next) latencies.push(next.startedAtMs - t.endSentAtMs);
    else unanswered++;
  }
  return { latencies, unanswered };
}

/** A call the bot ended by itself, cleanly, within the limits. */
export function completed(e: BotCallEntry): boolean {
  return e.result === 'completed' && e.closeReason === 'disconnect' && e.disconnect?.reason === 'completed' && e.protocolErrors.length === 0;
}

/** Seconds from `opened` to the session's end (0 for a call that never opened or has not ended). */
export function callSeconds(e: Pick<BotCallEntry, 'openedAt' | 'endedAt'>): number {
  if (e.openedAt === undefined || e.endedAt === undefined) return 0;
  return Math.max(0, (Date.parse(e.endedAt) - Date.parse(e.openedAt)) / 1000);
}

export interface StepFigures {
  calls: number;
  completed: number;
  failed: number;
  rateLimited: number;
  samples: number;
  unanswered: number;
  p50: number;
  p99: number;
  callSeconds: number;
}

export function stepFigures(calls: number, entries: readonly BotCallEntry[]): StepFigures {
  const all = entries.map(responseTimes);
  const latencies = all.flatMap((r) => r.latencies).sort((a, b) => a - b);
  const done = entries.filter(completed).length;
  return {
    calls,
    completed: done,
    // A call missing from the log (never started a session) failed too.
    failed: calls - done,
    rateLimited: entries.reduce((n, e) => n + e.rateLimited, 0),
    samples: latencies.length,
    unanswered: all.reduce((n, r) => n + r.unanswered, 0),
    p50: percentile(latencies, 50) ?? NaN,
    p99: percentile(latencies, 99) ?? NaN,
    callSeconds: entries.reduce((s, e) => s + callSeconds(e), 0),
  };
}

/** A step passes when every call completed, none got a 429 or went unanswered, and p99 is under the target. */
export function passes(f: StepFigures, targetMs: number): boolean {
  return f.failed === 0 && f.rateLimited === 0 && f.unanswered === 0 && f.samples > 0 && f.p99 < targetMs;
}

/**
 * The capacity: the largest N such that N's step and every smaller one passed
 * (a ramp that passes again after a failure is noise, not capacity); 0 if none.
 */
export function capacity(steps: readonly { n: number; figures: StepFigures }[], targetMs: number): number {
  let best = 0;
  for (const s of [...steps].sort((a, b) => a.n - b.n)) {
    if (!passes(s.figures, targetMs)) break;
    best = s.n;
  }
  return best;
}
