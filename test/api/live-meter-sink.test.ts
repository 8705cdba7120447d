/**
 * The level meter: readings per window of stream samples, per channel, in
 * dBFS; the sink publishes them batched per tenant and keeps one short-lived
 * record per replica and tenant, meters at most maxSessions at once, and
 * forgets a call when it ends.
 */
import { describe, expect, it, vi } from 'vitest';
import { LevelMeter, LiveMeterSink, METER_STEP, METERS_PER_MESSAGE, callsChannel } from '../../src/api/index.js';
import { METER_TTL_MS, metersKey } from '../../src/api/live-calls.js';
import { accumulate, emptyLevel, rmsDb, ulawEncode } from '../../src/audio/index.js';
import type { SessionInfo } from '../../src/capture/index.js';

const ORG = '11111111-1111-4111-8111-111111111111';
const info = (conversationId: string, format = 'PCMU') =>
  ({ orgId: ORG, conversationId, sessionId: 's', openedAt: '2026-01-01T00:00:00.000Z', media: { type: 'audio', format, channels: ['external', 'internal'], rate: 8000 } }) as unknown as SessionInfo;
/** `ms` of stereo µ-law: customer byte `c`, agent byte `a`. */
const frame = (ms: number, c: number, a: number) => new Uint8Array(ms * 16).map((_, i) => (i % 2 === 0 ? c : a));

/** A stereo µ-law tone at `hz` (customer) over silence (agent), cut into `frameMs` frames. */
function toneFrames(hz: number, frameMs: number, count: number): Uint8Array[] {
  const perFrame = frameMs * 8;
  const pcm = new Int16Array(perFrame * count).map((_, i) => Math.round(12000 * Math.sin((2 * Math.PI * hz * i) / 8000)));
  const mono = ulawEncode(pcm);
  return Array.from({ length: count }, (_, f) => new Uint8Array(perFrame * 2).map((_, i) => (i % 2 === 0 ? (mono[f * perFrame + i / 2] as number) : 0xff)));
}

describe('LevelMeter', () => {
  it('reads a steady tone within 0.5 dB of reading every sample, even at a frequency the step aliases', () => {
    // At 8000 × k / METER_STEP Hz a fixed phase would read the same point of every cycle.
    for (const hz of [1000, 8000 / METER_STEP, (2 * 8000) / METER_STEP]) {
      const frames = toneFrames(hz, 20, 12);
      const exact = [emptyLevel(), emptyLevel()];
      for (const f of frames) accumulate(f, 2, exact);
      const m = new LevelMeter(['customer', 'agent'], 12 * 160);
      const read = frames.map((f) => m.add(f, 160)).at(-1);
      expect(Math.abs((read?.customer as number) - rmsDb(exact[0]!))).toBeLessThan(0.5);
    }
  });

  it('reads once per full window, per channel, and starts the next window afresh', () => {
    const m = new LevelMeter(['customer', 'agent'], 2000);
    expect(m.add(frame(200, 0x80, 0xff), 1600)).toBeUndefined();
    const r = m.add(frame(50, 0x80, 0xff), 400);
    expect(r?.agent).toBe(-96);
    expect(r?.customer).toBeGreaterThan(-3);
    expect(m.add(frame(250, 0xff, 0xff), 2000)).toEqual({ customer: -96, agent: -96 });
  });
});

describe('LiveMeterSink', () => {
  const fake = () => ({ publish: vi.fn(), set: vi.fn(), delete: vi.fn() });

  /** Every published message on the calls channel, parsed. */
  const published = (out: ReturnType<typeof fake>) => out.publish.mock.calls.map(([channel, m]) => ({ channel: channel as string, m: JSON.parse(m as string) }));

  /** The calls of the replica's record as last written (undefined: never written). */
  const recorded = (out: ReturnType<typeof fake>) => {
    const last = out.set.mock.calls.at(-1);
    return last ? (JSON.parse(last[1] as string) as { calls: Record<string, { levels: { customer: number; agent: number } | null; forwarded: string[] }> }).calls : undefined;
  };

  it('keeps one record per replica and tenant: rewritten when a call comes or goes, and every refreshMs while readings flow', () => {
    const out = fake();
    const clock = { now: 1_000_000 };
    const sink = new LiveMeterSink({ out, maxSessions: 5, replicaId: 'r1', refreshMs: 2000, now: () => clock.now });
    const a = sink.open(info('A'));
    const b = sink.open(info('b'));
    sink.flush();
    expect(out.set).toHaveBeenCalledTimes(1);
    expect(out.set.mock.calls[0]?.[0]).toBe(metersKey(ORG, 'r1'));
    expect(out.set.mock.calls[0]?.[2]).toBe(METER_TTL_MS);
    expect(recorded(out)).toEqual({ a: { startedAt: '2026-01-01T00:00:00.000Z', forwarded: [], levels: null }, b: { startedAt: '2026-01-01T00:00:00.000Z', forwarded: [], levels: null } });
    clock.now += 1000;
    a?.audio(frame(250, 0x80, 0xff), 0, 2000);
    sink.flush();
    expect(out.set).toHaveBeenCalledTimes(1); // levels alone wait for the refresh
    expect(published(out).at(-1)?.m).toMatchObject({ t: 'meters', items: [{ conversationId: 'a', meter: { levels: { agent: -96 } } }] });
    clock.now += 1000;
    a?.audio(frame(250, 0x80, 0xff), 0, 2000);
    sink.flush();
    expect(out.set).toHaveBeenCalledTimes(2);
    expect(recorded(out)?.a?.levels?.customer).toBeGreaterThan(-3);
    void b?.end({ reason: 'end', position: 0, endedAt: '' });
    sink.flush();
    expect(Object.keys(recorded(out) ?? {})).toEqual(['a']);
    void a?.end({ reason: 'end', position: 0, endedAt: '' });
    sink.flush();
    expect(out.delete.mock.calls).toEqual([[metersKey(ORG, 'r1')]]);
    expect(out.set).toHaveBeenCalledTimes(3);
  });

  it("sends the changes of all a tenant's calls as one message per publishMs, each call's latest", () => {
    vi.useFakeTimers();
    try {
      const out = fake();
      const sink = new LiveMeterSink({ out, maxSessions: 10, publishMs: 250 });
      const OTHER = '22222222-2222-4222-8222-222222222222';
      const calls = ['a', 'b', 'c'].map((id) => sink.open(info(id)));
      const other = sink.open({ ...info('d'), orgId: OTHER } as SessionInfo);
      for (const s of [...calls, other]) s?.audio(frame(250, 0x80, 0xff), 0, 2000);
      calls[0]?.audio(frame(250, 0xff, 0xff), 0, 2000);
      expect(out.publish).not.toHaveBeenCalled();
      vi.advanceTimersByTime(250);
      const sent = published(out);
      expect(sent.map(({ channel }) => channel).sort()).toEqual([callsChannel(ORG), callsChannel(OTHER)].sort());
      const ours = sent.find(({ channel }) => channel === callsChannel(ORG))?.m;
      expect(ours.items.map((i: { conversationId: string }) => i.conversationId)).toEqual(['a', 'b', 'c']);
      // Call a: its opening record and both readings merged into one change, the later reading winning.
      expect(ours.items[0].meter).toMatchObject({ startedAt: '2026-01-01T00:00:00.000Z', forwarded: [], levels: { customer: -96, agent: -96 } });
      vi.advanceTimersByTime(1000);
      expect(out.publish).toHaveBeenCalledTimes(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it(`cuts a flush into messages of at most ${METERS_PER_MESSAGE} calls`, () => {
    const out = fake();
    const sink = new LiveMeterSink({ out, maxSessions: 1000 });
    for (let i = 0; i < METERS_PER_MESSAGE * 2 + 1; i++) sink.open(info(`c${i}`));
    sink.flush();
    expect(published(out).map(({ m }) => m.items.length)).toEqual([METERS_PER_MESSAGE, METERS_PER_MESSAGE, 1]);
  });

  it('does not list a call again after its end: a change still waiting is not sent', async () => {
    const out = fake();
    const sink = new LiveMeterSink({ out, maxSessions: 5 });
    const s = sink.open(info('e'));
    s?.audio(frame(250, 0x80, 0xff), 0, 2000);
    await s?.end({ reason: 'end', position: 0, endedAt: '' });
    sink.flush();
    expect(published(out).map(({ m }) => m)).toEqual([{ t: 'end', conversationId: 'e' }]);
  });

  it('meters at most maxSessions (the rest counted), frees a slot at end, deletes the record and says ended', async () => {
    const out = fake();
    const onDrop = vi.fn();
    const sink = new LiveMeterSink({ out, maxSessions: 1, onDrop });
    const first = sink.open(info('a'));
    expect(sink.open(info('b'))).toBeUndefined();
    expect(onDrop).toHaveBeenCalledTimes(1);
    sink.flush();
    await first?.end({ reason: 'end', position: 0, endedAt: '' });
    await first?.end({ reason: 'end', position: 0, endedAt: '' });
    sink.flush();
    expect(sink.size).toBe(0);
    expect(out.delete).toHaveBeenCalledTimes(1);
    expect(JSON.parse(out.publish.mock.calls.at(-1)?.[1] as string)).toEqual({ t: 'end', conversationId: 'a' });
    expect(sink.open(info('c'))).toBeDefined();
  });

  it('shows no levels for audio it cannot read as µ-law', () => {
    const out = fake();
    const sink = new LiveMeterSink({ out, maxSessions: 1 });
    sink.open(info('l', 'L16'))?.audio(new Uint8Array(8000), 0, 2000);
    sink.flush();
    expect(published(out).map(({ m }) => m.items[0].meter.levels)).toEqual([null]);
  });

  it('names the destinations connected now: added when one accepts the socket, removed when it closes, once each', () => {
    const out = fake();
    const sink = new LiveMeterSink({ out, maxSessions: 5 });
    sink.open(info('f'));
    sink.flush();
    const forwarded = () => {
      sink.flush();
      return recorded(out)?.f?.forwarded;
    };
    sink.connection('s', 'crm', true);
    sink.connection('s', 'crm', true);
    sink.connection('s', 'asr', true);
    expect(forwarded()).toEqual(['crm', 'asr']);
    expect(published(out).at(-1)?.m.items).toEqual([{ conversationId: 'f', meter: { forwarded: ['crm', 'asr'] } }]);
    sink.connection('s', 'crm', false);
    expect(forwarded()).toEqual(['asr']);
    expect(out.set).toHaveBeenCalledTimes(3);
    sink.connection('another session', 'x', true);
    sink.flush();
    expect(out.set).toHaveBeenCalledTimes(3);
  });
});
