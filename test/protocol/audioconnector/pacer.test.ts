/**
 * The outbound pacer: Genesys's binary-message limits (average 5/s, burst 25) are never exceeded for any
 * output pattern, every byte goes out once and in order unless a barge-in cleared it, and no message is
 * larger than 64,000 bytes. Virtual time throughout.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BYTES_PER_MS, Pacer, type PacerOptions } from '../../../src/protocol/audioconnector/index.js';

const DEFAULTS: PacerOptions = { ratePerSecond: 4, burst: 20, minMessageMs: 200, maxMessageBytes: 64_000, leadMs: 1000 };

/** Genesys's rule as the emulator enforces it: a bucket of 25 refilled at 5 per second. */
class GenesysBucket {
  private tokens = 25;
  private last = 0;
  min = 25;
  take(nowMs: number): void {
    this.tokens = Math.min(25, this.tokens + ((nowMs - this.last) * 5) / 1000);
    this.last = nowMs;
    this.tokens -= 1;
    this.min = Math.min(this.min, this.tokens);
  }
}

type Op =
  | { at: number; kind: 'audio'; bytes: number; end: boolean }
  | { at: number; kind: 'clear' }
  | { at: number; kind: 'completed' }
  | { at: number; kind: 'retry'; ms: number };

/** Drives a pacer through timed operations, polling at every wake time, and checks every message as it goes. */
function drive(options: PacerOptions, ops: Op[]) {
  const pacer = new Pacer(options);
  const bucket = new GenesysBucket();
  /** Global indices of the bytes queued and not yet sent, as [start, end) ranges; byte i carries i % 251. */
  const expected: Array<[number, number]> = [];
  const expectedBytes = () => expected.reduce((n, [a, b]) => n + b - a, 0);
  const check = (data: Uint8Array) => {
    let k = 0;
    while (k < data.length) {
      const r = expected[0]!;
      const n = Math.min(r[1] - r[0], data.length - k);
      for (let i = 0; i < n; i++) if (data[k + i] !== (r[0] + i) % 251) throw new Error(`byte ${r[0] + i} out of order`);
      r[0] += n;
      k += n;
      if (r[0] === r[1]) expected.shift();
    }
  };
  let next = 0;
  let sent = 0;
  let cleared = 0;
  let maxMessage = 0;
  let wake: number | undefined;
  let now = 0;
  const pump = () => {
    for (;;) {
      const r = pacer.poll(now);
      if (r.send) {
        bucket.take(now);
        maxMessage = Math.max(maxMessage, r.send.length);
        expect(r.send.length).toBeLessThanOrEqual(expectedBytes());
        check(r.send);
        sent += r.send.length;
        continue;
      }
      wake = r.wakeAtMs;
      return;
    }
  };
  const advanceTo = (t: number) => {
    while (wake !== undefined && wake <= t) {
      now = Math.max(now, wake);
      wake = undefined;
      pump();
    }
    now = Math.max(now, t);
  };
  for (const op of ops) {
    advanceTo(now + op.at);
    if (op.kind === 'audio') {
      const data = new Uint8Array(op.bytes);
      for (let i = 0; i < data.length; i++) data[i] = (next + i) % 251;
      const dropped = pacer.droppedBytes;
      pacer.enqueue(data, { endOfUtterance: op.end });
      const accepted = op.bytes - (pacer.droppedBytes - dropped);
      if (accepted > 0) expected.push([next, next + accepted]);
      next += op.bytes;
    } else if (op.kind === 'clear') {
      const n = pacer.clear(now);
      expect(n).toBe(expectedBytes());
      expected.length = 0;
      cleared += n;
    } else if (op.kind === 'completed') pacer.playbackCompleted(now);
    else pacer.retryAfter(now, op.ms);
    pump();
  }
  // The last utterance ends: everything left must go out.
  pacer.enqueue(new Uint8Array(0), { endOfUtterance: true });
  pump();
  advanceTo(now + 3_600_000);
  return { pacer, bucket, sent, cleared, maxMessage, remaining: expectedBytes(), total: next };
}

const options = fc.record({
  ratePerSecond: fc.double({ min: 0.5, max: 5, noNaN: true }),
  burst: fc.integer({ min: 1, max: 25 }),
  minMessageMs: fc.integer({ min: 20, max: 8000 }),
  maxMessageBytes: fc.integer({ min: 1600, max: 64_000 }),
  leadMs: fc.integer({ min: 200, max: 10_000 }),
});

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ at: fc.integer({ min: 0, max: 400 }), kind: fc.constant('audio' as const), bytes: fc.integer({ min: 0, max: 4000 }), end: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ at: fc.integer({ min: 0, max: 3000 }), kind: fc.constant('audio' as const), bytes: fc.integer({ min: 1, max: 200_000 }), end: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ at: fc.integer({ min: 0, max: 2000 }), kind: fc.constant('clear' as const) }) },
  { weight: 1, arbitrary: fc.record({ at: fc.integer({ min: 0, max: 2000 }), kind: fc.constant('completed' as const) }) },
  { weight: 1, arbitrary: fc.record({ at: fc.integer({ min: 0, max: 2000 }), kind: fc.constant('retry' as const), ms: fc.integer({ min: 0, max: 5000 }) }) },
);

describe('Pacer', () => {
  it('never trips the Genesys limits, loses or reorders no byte, and never sends more than 64,000 bytes at once (property)', () => {
    fc.assert(
      fc.property(options, fc.array(op, { maxLength: 60 }), (o, ops) => {
        const r = drive(o, ops);
        expect(r.bucket.min).toBeGreaterThanOrEqual(-1e-9);
        expect(r.maxMessage).toBeLessThanOrEqual(Math.min(64_000, o.maxMessageBytes));
        expect(r.remaining).toBe(0);
        expect(r.sent + r.cleared + r.pacer.droppedBytes).toBe(r.total);
      }),
      { numRuns: 300 },
    );
  });

  it('survives the worst patterns: 500 tiny utterances back to back, one 10-minute utterance', () => {
    const tiny: Op[] = Array.from({ length: 500 }, () => ({ at: 0, kind: 'audio', bytes: 40, end: true }));
    const t = drive({ ...DEFAULTS, ratePerSecond: 5, burst: 25 }, tiny);
    expect(t.bucket.min).toBeGreaterThanOrEqual(0);
    expect(t.sent).toBe(20_000);
    const long = drive(DEFAULTS, [{ at: 0, kind: 'audio', bytes: 600_000 * BYTES_PER_MS, end: true }]);
    // Ten minutes exceed the queue bound (60 s): the rest is dropped and counted, not stored.
    expect(long.pacer.droppedBytes).toBe(540_000 * BYTES_PER_MS);
    expect(long.bucket.min).toBeGreaterThanOrEqual(0);
  });

  it('coalesces: the first message fills the lead, later ones carry at least the minimum', () => {
    const p = new Pacer(DEFAULTS);
    p.enqueue(new Uint8Array(3000 * BYTES_PER_MS), { endOfUtterance: true });
    expect(p.poll(0).send?.length).toBe(1000 * BYTES_PER_MS);
    // One second is now queued at the client: nothing more until 200 ms of it have played.
    expect(p.poll(0)).toEqual({ wakeAtMs: 200 });
    expect(p.poll(200).send?.length).toBe(200 * BYTES_PER_MS);
  });

  it('holds back less than the minimum until the utterance ends, then flushes the tail', () => {
    const p = new Pacer(DEFAULTS);
    p.enqueue(new Uint8Array(100 * BYTES_PER_MS));
    expect(p.poll(0)).toEqual({});
    p.enqueue(new Uint8Array(10), { endOfUtterance: true });
    expect(p.poll(0).send?.length).toBe(100 * BYTES_PER_MS + 10);
  });

  it('clear() drops everything unsent at once and says how much', () => {
    const p = new Pacer(DEFAULTS);
    p.enqueue(new Uint8Array(5000 * BYTES_PER_MS), { endOfUtterance: true });
    const first = p.poll(0).send!.length;
    expect(p.clear(10)).toBe(5000 * BYTES_PER_MS - first);
    expect(p.poll(10)).toEqual({});
  });

  it('retryAfter() stops sending until the time the client gave', () => {
    const p = new Pacer(DEFAULTS);
    p.retryAfter(0, 3000);
    p.enqueue(new Uint8Array(1600), { endOfUtterance: true });
    expect(p.poll(100)).toEqual({ wakeAtMs: 3000 });
    expect(p.poll(3000).send?.length).toBe(1600);
  });
});
