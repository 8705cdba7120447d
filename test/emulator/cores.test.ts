/**
 * The pure cores: virtual clock and scheduler (with a fake real clock),
 * scenario timelines (property-tested over random durations), the call audio
 * arrangement, the rate limiter and channel eviction order.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arrangeCall } from '../../src/emulator/audio/arrangement.js';
import { loadSpeechClips } from '../../src/emulator/audio/fixtures.js';
import { buildScenario, SCENARIOS, type ScenarioName } from '../../src/emulator/calls/scenarios.js';
import { changeTimes, talkIntervals, type Timeline } from '../../src/emulator/calls/timeline.js';
import { ClockError, VirtualClock, type RealTime } from '../../src/emulator/core/clock.js';
import { Rng } from '../../src/emulator/core/rng.js';
import { Scheduler } from '../../src/emulator/core/scheduler.js';
import { RateLimiter } from '../../src/emulator/http/rate-limit.js';
import { pickVictim, type Channel } from '../../src/emulator/notify/channels.js';

class FakeReal implements RealTime {
  t = 0;
  timers: { at: number; fn: () => void }[] = [];
  now = () => this.t;
  setTimeout = (fn: () => void, ms: number) => {
    const timer = { at: this.t + ms, fn };
    this.timers.push(timer);
    return timer;
  };
  clearTimeout = (h: unknown) => void (this.timers = this.timers.filter((x) => x !== h));
  /** Moves real time on, firing due timers. */
  tick(ms: number) {
    this.t += ms;
    for (const due of this.timers.filter((x) => x.at <= this.t)) {
      this.timers = this.timers.filter((x) => x !== due);
      due.fn();
    }
  }
}

describe('virtual clock and scheduler', () => {
  it('scales real time by speed, stays continuous across speed changes, and jumps forward only', () => {
    const real = new FakeReal();
    const clock = new VirtualClock(real, 1_000_000, 10);
    real.t = 100;
    expect(clock.now()).toBe(1_001_000);
    clock.setSpeed(0);
    real.t = 5000;
    expect(clock.now()).toBe(1_001_000);
    clock.advance(500);
    expect(clock.now()).toBe(1_001_500);
    expect(() => clock.advance(-1)).toThrow(ClockError);
    expect(() => clock.setSpeed(-2)).toThrow(ClockError);
  });

  it('runs timers in time order, same-time timers in scheduling order, and honours cancel', () => {
    const real = new FakeReal();
    const clock = new VirtualClock(real, 0, 0);
    const s = new Scheduler(clock, real);
    const ran: string[] = [];
    s.at(20, () => ran.push('b'));
    s.at(10, () => ran.push('a1'));
    s.at(10, () => ran.push('a2'));
    s.at(15, () => ran.push('x')).cancel();
    clock.advance(15);
    s.poke();
    expect(ran).toEqual(['a1', 'a2']);
    clock.setSpeed(2);
    s.poke();
    real.tick(3); // 6 virtual ms later: 21 ≥ 20
    expect(ran).toEqual(['a1', 'a2', 'b']);
  });

  it('runs many timers, pushed in scrambled order with ties and cancels, in (time, scheduling) order', () => {
    const real = new FakeReal();
    const clock = new VirtualClock(real, 0, 0);
    const s = new Scheduler(clock, real);
    const ran: number[] = [];
    const expected: { at: number; n: number }[] = [];
    for (let n = 0; n < 500; n++) {
      const at = (n * 7919) % 97; // scrambled, with many ties
      const t = s.at(at, () => ran.push(n));
      if (n % 11 === 0) t.cancel();
      else expected.push({ at, n });
    }
    clock.advance(100);
    s.poke();
    expect(ran).toEqual(expected.sort((a, b) => a.at - b.at || a.n - b.n).map((e) => e.n));
    expect(s.size).toBe(0);
  });

  it('until() resolves when virtual time arrives, and at once on stop', async () => {
    const real = new FakeReal();
    const clock = new VirtualClock(real, 0, 0);
    const s = new Scheduler(clock, real);
    let done = false;
    const p = s.until(100).then(() => (done = true));
    clock.advance(99);
    s.poke();
    await Promise.resolve();
    expect(done).toBe(false);
    clock.advance(1);
    s.poke();
    await p;
    const q = s.until(10_000);
    s.stop();
    await q;
  });
});

const clips = loadSpeechClips();
const durations = fc.record({
  ivrMs: fc.integer({ min: 0, max: 20_000 }),
  queueMs: fc.integer({ min: 0, max: 60_000 }),
  alertMs: fc.integer({ min: 0, max: 20_000 }),
  talkMs: fc.integer({ min: 0, max: 600_000 }),
  holdMs: fc.integer({ min: 0, max: 60_000 }),
  consultMs: fc.integer({ min: 0, max: 60_000 }),
  acwMs: fc.integer({ min: 0, max: 60_000 }),
});

function timeline(scenario: ScenarioName, d: Record<string, number>, id = 'c0ffee00-0000-4000-8000-000000000001'): Timeline {
  const rng = new Rng(id);
  return buildScenario({
    scenario,
    conversationId: id,
    orgId: 'org',
    divisionId: 'div',
    start: 1_700_000_000_000,
    agents: [
      { userId: 'ua', name: 'A' },
      { userId: 'ub', name: 'B' },
    ],
    queue: { id: 'q', name: 'Q' },
    flow: { flowId: 'f', flowName: 'IVR' },
    wrapupCode: 'w',
    customer: { ani: 'tel:+1', dnis: 'tel:+2', name: 'C' },
    durations: d,
    newId: () => rng.uuid(),
  });
}

describe('scenario timelines', () => {
  it('every leg is covered by contiguous spans, ends by the conversation end, and wraps up after it leaves', () => {
    fc.assert(
      fc.property(fc.constantFrom(...SCENARIOS), durations, (scenario, d) => {
        const t = timeline(scenario, d);
        for (const leg of t.legs) {
          let cursor = leg.start;
          for (const s of leg.spans) {
            expect(s.start).toBe(cursor);
            expect(s.end).toBeGreaterThan(s.start);
            cursor = s.end;
          }
          expect(cursor).toBe(leg.spans.length > 0 ? leg.end : leg.start);
          expect(leg.end).toBeLessThanOrEqual(t.end);
          if (leg.purpose === 'agent') expect(leg.wrapup).toMatchObject({ start: leg.end, end: leg.end + d.acwMs });
        }
        expect(t.legs[0]?.purpose).toBe('customer');
        expect(t.legs[0]?.end).toBe(t.end);
        expect(changeTimes(t)).toEqual([...changeTimes(t)].sort((a, b) => a - b));
        for (const iv of talkIntervals(t)) expect(iv.end).toBeLessThanOrEqual(t.end);
      }),
      { numRuns: 200 },
    );
  });

  it('the same conversation id always gives the same call', () => {
    const a = timeline('hold', {});
    const b = timeline('hold', {});
    expect(a).toEqual(b);
    expect(timeline('hold', {}, 'c0ffee00-0000-4000-8000-000000000002').legs[0]?.end).not.toBe(a.legs[0]?.end);
  });
});

describe('call audio', () => {
  it('renders any split of a range to the same bytes, and only inside talk intervals', () => {
    const t = timeline('hold', { talkMs: 20_000, ivrMs: 1000, queueMs: 1000, alertMs: 500 });
    const talk = talkIntervals(t).map((i) => ({ start: i.start - t.start, end: i.end - t.start }));
    const audio = arrangeCall(t.conversationId, talk, t.end - t.start, clips);
    const total = audio.totalSamples;
    const whole = Buffer.from(audio.render(0, total));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: total }), fc.integer({ min: 0, max: total }), (x, y) => {
        const [a, b] = x <= y ? [x, y] : [y, x];
        const joined = Buffer.concat([audio.render(0, a), audio.render(a, b), audio.render(b, total)]);
        expect(joined.equals(whole)).toBe(true);
      }),
      { numRuns: 50 },
    );
    for (const p of audio.placements) {
      const ms = p.start / 8;
      expect(talk.some((iv) => ms >= iv.start && ms + p.clip.length / 8 <= iv.end)).toBe(true);
    }
    expect(Buffer.from(arrangeCall(t.conversationId, talk, t.end - t.start, clips).render(0, total)).equals(whole)).toBe(true);
    expect(audio.placements.length).toBeGreaterThan(2);
  });
});

describe('rate limiter', () => {
  it('counts, refuses past the limit with the wait for one token, and refills linearly', () => {
    const rl = new RateLimiter();
    for (let i = 1; i <= 3; i++) expect(rl.take('k', 3, 60_000, 0)).toMatchObject({ ok: true, count: i, allowed: 3 });
    expect(rl.take('k', 3, 60_000, 0)).toMatchObject({ ok: false, retryAfterSeconds: 20, resetSeconds: 60 });
    expect(rl.take('k', 3, 60_000, 20_000).ok).toBe(true);
    expect(rl.take('other', 3, 60_000, 20_000).count).toBe(1);
  });
});

describe('channel eviction order', () => {
  const ch = (id: string, connected: boolean, lastUsed: number) => ({ id, connected, lastUsed, createdAt: 0 }) as Channel;
  it('evicts unconnected before connected, then the least recently used', () => {
    expect(pickVictim([ch('a', true, 1), ch('b', false, 9), ch('c', false, 5)]).id).toBe('c');
    expect(pickVictim([ch('a', true, 7), ch('b', true, 3)]).id).toBe('b');
  });
});
