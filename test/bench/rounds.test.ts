/** bench:capture rounds: each figure is the median over the rounds, failures add up, a lone generator-bound round does not mark the case. */
import { describe, expect, it } from 'vitest';
import type { CaseResult } from '../../bench/lib/run-case.js';
import { combineRounds, median } from '../../bench/lib/rounds.js';

function run(cpu: number, rttP99: number, over: Partial<CaseResult> = {}): CaseResult {
  return {
    spec: { kind: 'hookline-on', sessions: 1000, frameMs: 100 },
    windowSeconds: 20,
    offeredFps: 10_000,
    deliveredFps: 10_000,
    serverCpuPct: cpu,
    loaderCpuPct: 20,
    loaderMaxCpuPct: 20,
    loaders: 1,
    lag: { loopP99Ms: 5, loopMaxMs: 8, sendLateP99Ms: 3, sendLateMaxMs: 6 },
    generatorBound: undefined,
    otherCpuPct: 0,
    rssMb: 100,
    openMs: { count: 1000, p50: 1, p99: 10 },
    rttMs: { count: 4000, p50: 1, p99: rttP99 },
    failed: 0,
    errors: {},
    notes: [],
    ...over,
  };
}

describe('bench rounds', () => {
  it('median of odd and even counts', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(Number.isNaN(median([]))).toBe(true);
  });

  it('takes each figure’s median over the rounds, adds failures and lists every round', () => {
    const r = combineRounds([run(43.4, 8.1, { failed: 1, errors: { refused: 1 } }), run(33.4, 8.6), run(36.4, 7.1, { errors: { refused: 2 } })]);
    expect(r.serverCpuPct).toBe(36.4);
    expect(r.rttMs.p99).toBe(8.1);
    expect(r.failed).toBe(1);
    expect(r.errors).toEqual({ refused: 3 });
    expect(r.notes.at(-1)).toBe('median of 3 rounds: server CPU 43.4 / 33.4 / 36.4 %, RTT p99 8.1 / 8.6 / 7.1 ms, open p99 10.0 / 10.0 / 10.0 ms');
  });

  it('marks the case generator-bound only when most rounds were', () => {
    const bound = { generatorBound: 'event-loop delay p99 30 ms' };
    expect(combineRounds([run(30, 5, bound), run(30, 5), run(30, 5)]).generatorBound).toBeUndefined();
    expect(combineRounds([run(30, 5, bound), run(30, 5, bound), run(30, 5)]).generatorBound).toBe(bound.generatorBound);
  });

  it('a single round is reported as measured', () => {
    const one = run(30, 5);
    expect(combineRounds([one])).toBe(one);
  });
});
