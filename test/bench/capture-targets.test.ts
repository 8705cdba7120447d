/** bench:capture's ratios and verdicts: recorder on ÷ off (goal 1), off ÷ baseline, failed sessions, generator-bound marking. */
import { describe, expect, it } from 'vitest';
import type { CaseResult } from '../../bench/lib/run-case.js';
import { ratioRows } from '../../bench/lib/report.js';
import { cpuRatio, verdicts } from '../../bench/lib/targets.js';
import type { ServerKind } from '../../bench/lib/servers.js';

const lag = { loopP99Ms: 5, loopMaxMs: 8, sendLateP99Ms: 3, sendLateMaxMs: 6 };

function result(kind: ServerKind, over: Partial<CaseResult> = {}): CaseResult {
  return {
    spec: { kind, sessions: 1000, frameMs: 20 },
    windowSeconds: 20,
    offeredFps: 50_000,
    deliveredFps: 50_000,
    serverCpuPct: 50,
    loaderCpuPct: 60,
    loaderMaxCpuPct: 60,
    loaders: 1,
    lag,
    generatorBound: undefined,
    otherCpuPct: 0,
    rssMb: 100,
    openMs: { count: 1000, p50: 1, p99: 10 },
    rttMs: { count: 4000, p50: 1, p99: 10 },
    failed: 0,
    errors: {},
    notes: [],
    ...over,
  };
}

const lineFor = (all: CaseResult[], text: string) => verdicts(all).find((v) => v.text.includes(text));

describe('recorder on ÷ off verdicts', () => {
  it('passes at 1.10 × CPU and 1.2 × the p99s, and misses just above', () => {
    const off = result('hookline-off');
    const at = result('hookline-on', { serverCpuPct: 55, rttMs: { count: 1, p99: 12 }, openMs: { count: 1, p99: 12 } });
    const above = result('hookline-on', { serverCpuPct: 56, rttMs: { count: 1, p99: 12.5 }, openMs: { count: 1, p99: 12.5 } });
    for (const [on, ok] of [[at, true], [above, false]] as const) {
      expect(lineFor([off, on], 'recorder on ÷ off, CPU')?.ok).toBe(ok);
      expect(lineFor([off, on], 'recorder on ÷ off, RTT p99')?.ok).toBe(ok);
      expect(lineFor([off, on], 'recorder on ÷ off, open p99')?.ok).toBe(ok);
    }
  });

  it('compares CPU per delivered frame when the delivered rates differ by more than 5 %', () => {
    const off = result('hookline-off');
    // Twice the CPU for twice the frames: the same cost per frame.
    const on = result('hookline-on', { serverCpuPct: 100, deliveredFps: 100_000 });
    expect(cpuRatio(on, off)).toEqual({ value: 1, basis: 'CPU per delivered frame (delivered rates differ)' });
    expect(lineFor([off, on], 'recorder on ÷ off, CPU per delivered frame')?.ok).toBe(true);
  });

  it('misses a latency ratio with no samples rather than passing it', () => {
    const off = result('hookline-off', { rttMs: { count: 0 } });
    expect(lineFor([off, result('hookline-on')], 'RTT p99')?.ok).toBe(false);
  });

  it('says when the generator limited either case', () => {
    const off = result('hookline-off');
    const on = result('hookline-on', { generatorBound: 'generator-bound: a loader at 99 % of a core' });
    expect(lineFor([off, on], 'recorder on ÷ off, CPU')?.text).toContain('generator-bound: a loader at 99 %');
    expect(ratioRows([off, on])[0]?.['generator-bound']).toBe('Hookline, recorder on');
  });
});

describe('other verdicts', () => {
  it('checks recorder off against the ws baseline at 1.3 ×', () => {
    const base = result('baseline', { serverCpuPct: 40 });
    expect(lineFor([base, result('hookline-off', { serverCpuPct: 52 })], 'off ÷ ws baseline')?.ok).toBe(true);
    expect(lineFor([base, result('hookline-off', { serverCpuPct: 53 })], 'off ÷ ws baseline')?.ok).toBe(false);
  });

  it('pairs cases of the same load only', () => {
    const off = result('hookline-off');
    const on = result('hookline-on', { spec: { kind: 'hookline-on', sessions: 1000, frameMs: 100 } });
    expect(lineFor([off, on], 'recorder on ÷ off')).toBeUndefined();
  });

  it('misses a case with failed sessions', () => {
    expect(verdicts([result('baseline', { failed: 3 })]).map((v) => v.ok)).toEqual([false]);
  });

  it('has no absolute open/RTT targets any more (the floor missed them on this machine)', () => {
    expect(verdicts([result('hookline-off', { openMs: { count: 1, p99: 500 } })]).every((v) => v.ok)).toBe(true);
  });
});
