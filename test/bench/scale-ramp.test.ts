/** bench:scale's bar, the largest step meeting it, step checks and when the docs are written. */
import { describe, expect, it } from 'vitest';
import { barMisses, checkSteps, largestMeeting, rssPerSessionMb } from '../../bench/lib/ramp.js';
import { parseScaleArgs } from '../../bench/lib/scale-args.js';

const good = { failed: 0, openMs: { count: 10, p99: 49.9 }, rttMs: { count: 10, p99: 49.9 } };
const step = (sessions: number, over: Partial<typeof good> = {}) => ({ sessions, ...good, ...over });

describe('the bar', () => {
  it('is met with no failed sessions and both p99s under 50 ms', () => {
    expect(barMisses(good)).toEqual([]);
  });

  it('names each miss: failed sessions, a p99 at 50 ms, or no samples', () => {
    expect(barMisses({ ...good, failed: 1 })).toEqual(['1 failed sessions']);
    expect(barMisses({ ...good, openMs: { count: 10, p99: 50 } })).toEqual(['open p99 50.0 ms ≥ 50']);
    expect(barMisses({ ...good, rttMs: { count: 10, p99: 80 } })).toEqual(['RTT p99 80.0 ms ≥ 50']);
    expect(barMisses({ ...good, rttMs: { count: 0 }, openMs: { count: 0 } })).toEqual(['no session opened in this step', 'no ping answered in the window']);
  });
});

describe('largest N meeting the bar', () => {
  it('is the last step before the first miss, even if a later step meets it again', () => {
    const steps = [step(1000), step(1500), step(2000, { failed: 2 }), step(3000)];
    expect(largestMeeting(steps)?.sessions).toBe(1500);
  });

  it('is none when the first step misses', () => {
    expect(largestMeeting([step(1000, { rttMs: { count: 5, p99: 60 } }), step(2000)])).toBeUndefined();
  });

  it('states memory per session as RSS over N', () => {
    expect(rssPerSessionMb({ rssMb: 500, sessions: 10_000 })).toBe(0.05);
  });
});

describe('steps and options', () => {
  it('steps must grow', () => {
    expect(() => checkSteps('steps-100', [1000, 1000])).toThrow(/must increase/);
    expect(() => checkSteps('steps-100', [0])).toThrow(/whole number/);
    expect(() => checkSteps('steps-100', [1000, 2500])).not.toThrow();
  });

  it('records in the docs only for the full default run', () => {
    expect(parseScaleArgs([]).writeDocs).toBe(true);
    expect(parseScaleArgs([]).steps100).toEqual([1000, 2500, 5000, 7500, 10_000]);
    expect(parseScaleArgs(['--quick']).writeDocs).toBe(false);
    expect(parseScaleArgs(['--steps-20', '1000,2000']).writeDocs).toBe(false);
    expect(parseScaleArgs(['--no-docs']).writeDocs).toBe(false);
    expect(parseScaleArgs(['--steps-20', 'none']).steps20).toEqual([]);
  });

  it('passes --workers through only when given', () => {
    expect(parseScaleArgs([]).workers).toBeUndefined();
    expect(parseScaleArgs(['--workers', '2']).workers).toBe(2);
    expect(() => parseScaleArgs(['--workers', '0'])).toThrow(/--workers/);
  });
});

describe('marginal memory per session', () => {
  it('is the RSS growth over the sessions added since the previous step of the same ramp', async () => {
    const { marginalKbPerSession } = await import('../../bench/lib/scale-report.js');
    const at = (frameMs: number, sessions: number, rssMb: number) => ({ frameMs, sessions, rssMb }) as Parameters<typeof marginalKbPerSession>[0];
    expect(marginalKbPerSession(at(100, 2500, 250), at(100, 1000, 100))).toBe(((150 * 1024) / 1500));
    expect(marginalKbPerSession(at(20, 1000, 100), at(100, 10_000, 900))).toBeUndefined();
    expect(marginalKbPerSession(at(100, 1000, 100), undefined)).toBeUndefined();
  });
});
