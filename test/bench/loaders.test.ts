/** The load generator split across processes: shares, merged marks, the generator-bound rule, open-file limits. */
import { describe, expect, it } from 'vitest';
import { defaultLoaders, generatorBound, loaderBatchIndex, mergeMarks, splitSessions } from '../../bench/lib/loaders.js';
import type { MarkReply } from '../../bench/lib/messages.js';
import { FD_SLACK, FdLimitError, planNofile } from '../../bench/lib/fds.js';
import { stepsWithinFdLimit } from '../../bench/lib/ramp.js';

const calm = { loopP99Ms: 5, loopMaxMs: 9, sendLateP99Ms: 4, sendLateMaxMs: 7 };

function mark(over: Partial<MarkReply>): MarkReply {
  return { type: 'mark', live: 0, started: 0, opened: 0, failed: 0, pending: 0, rttMs: [], openMs: [], lag: calm, ...over };
}

describe('splitting the load', () => {
  it('splits sessions as evenly as whole sessions allow, keeping the total', () => {
    expect(splitSessions(10_000, 4)).toEqual([2500, 2500, 2500, 2500]);
    expect(splitSessions(7, 3)).toEqual([3, 2, 2]);
    expect(splitSessions(1, 2)).toEqual([1, 0]);
  });

  it('uses one loader per 2,500 sessions, at least one', () => {
    expect([defaultLoaders(1), defaultLoaders(1000), defaultLoaders(2500), defaultLoaders(2501), defaultLoaders(10_000)]).toEqual([1, 1, 1, 2, 4]);
  });
});

describe('batch numbering', () => {
  it("maps the group's batch to the loader's own count, skipping batches the loader had no share of", () => {
    const batches = [[1, 0], [1, 1], [0, 1], [1, 1]];
    expect([0, 1, 2, 3].map((b) => loaderBatchIndex(batches, 0, b))).toEqual([0, 1, 2, 2]);
    expect([1, 2, 3].map((b) => loaderBatchIndex(batches, 1, b))).toEqual([0, 1, 2]);
  });
});

describe('merging marks', () => {
  it('sums counts, concatenates raw latencies and keeps the worst lag', () => {
    const m = mergeMarks([
      mark({ live: 2, started: 3, opened: 2, failed: 1, pending: 0, rttMs: [1, 2], openMs: [5], lag: calm }),
      mark({ live: 4, started: 4, opened: 4, pending: 1, rttMs: [3], openMs: [6, 7], lag: { ...calm, loopP99Ms: 30, sendLateMaxMs: 40 } }),
    ]);
    expect(m).toMatchObject({ live: 6, started: 7, opened: 6, failed: 1, pending: 1, rttMs: [1, 2, 3], openMs: [5, 6, 7] });
    expect(m.lag).toEqual({ loopP99Ms: 30, loopMaxMs: 9, sendLateP99Ms: 4, sendLateMaxMs: 40 });
  });
});

describe('generator-bound', () => {
  it('is not when every loader keeps up', () => {
    expect(generatorBound(calm, [60, 94])).toBeUndefined();
  });

  it('is when the event loop or the frame sends lag over 20 ms at p99, or a loader uses 95 % of a core', () => {
    expect(generatorBound({ ...calm, loopP99Ms: 21 }, [10])).toContain('event-loop delay p99 21.0 ms');
    expect(generatorBound({ ...calm, sendLateP99Ms: 25 }, [10])).toContain('25.0 ms late');
    expect(generatorBound(calm, [40, 95])).toContain('95 % of a core');
  });
});

describe('open-files limit', () => {
  const need = { who: 'the server at 10000 sessions', sessions: 10_000, perSession: 2 };
  const here = { soft: 20_000, hard: 20_000, canRaiseHard: false };

  it('leaves the limit alone when it is enough', () => {
    expect(planNofile({ ...need, sessions: 1000 }, here)).toBeUndefined();
  });

  it('raises the soft limit up to the hard one, and the hard one only where allowed', () => {
    expect(planNofile(need, { ...here, soft: 1024, hard: 65_536 })).toEqual({ soft: 65_536, hard: 65_536 });
    const raised = Math.ceil((20_000 + FD_SLACK) / 1024) * 1024;
    expect(planNofile(need, { ...here, canRaiseHard: true })).toEqual({ soft: raised, hard: raised });
  });

  it('refuses with a named error, the need and the limit, where not', () => {
    expect(() => planNofile(need, here)).toThrow(FdLimitError);
    expect(() => planNofile(need, here)).toThrow(new RegExp(`the server at 10000 sessions needs about ${20_000 + FD_SLACK} open files .* the hard limit is 20000`));
  });
});

describe('steps within the open-files limit', () => {
  const here = { soft: 20_000, hard: 20_000, canRaiseHard: false };

  it('skips, with the reason, the steps one server process cannot hold (2 per session + slack)', () => {
    const { run, skipped } = stepsWithinFdLimit(100, [1000, 7500, 9800, 10_000], 1, 2, here);
    expect(run).toEqual([1000, 7500, 9800]);
    expect(skipped.map((s) => s.sessions)).toEqual([10_000]);
    expect(skipped[0]?.reason).toMatch(/the server would need about 20256 open files .* hard limit of 20000/);
  });

  it('counts per process when the sessions are spread over workers, and skips nothing where the limit can be raised', () => {
    expect(stepsWithinFdLimit(100, [10_000], 2, 2, here).skipped).toEqual([]);
    expect(stepsWithinFdLimit(100, [10_000], 1, 2, { ...here, canRaiseHard: true }).skipped).toEqual([]);
  });
});
