/** The load generator's send-lateness meter: due times, p99/max in ms, reset. */
import { describe, expect, it } from 'vitest';
import { frameDueAt, SendLateness } from '../../src/simulate/index.js';

describe('frameDueAt', () => {
  it('frame k of a session is due once k + 1 frames of audio exist', () => {
    expect(frameDueAt(1000, 0, 20)).toBe(1020);
    expect(frameDueAt(1000, 4, 100)).toBe(1500);
  });
});

describe('SendLateness', () => {
  it('summarises lateness in ms: p99 sees the slow 2 %, max the slowest; early sends count as on time', () => {
    const m = new SendLateness();
    for (let i = 0; i < 98; i++) m.record(101, 100);
    m.record(130, 100);
    m.record(145.5, 100);
    m.record(90, 100);
    const s = m.summary();
    expect(s.count).toBe(101);
    expect(s.p99Ms).toBeGreaterThan(25);
    expect(s.maxMs).toBeCloseTo(45.5, 1);
  });

  it('starts again from nothing after reset', () => {
    const m = new SendLateness();
    m.record(200, 100);
    m.reset();
    expect(m.summary()).toEqual({ count: 0, p99Ms: 0, maxMs: 0 });
    m.record(102, 100);
    expect(m.summary().maxMs).toBeCloseTo(2, 2);
  });
});
