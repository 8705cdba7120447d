/**
 * The level meter: readings per window of stream samples, per channel, in
 * dBFS; the sink publishes them and keeps a short-lived record per call,
 * meters at most maxSessions at once, and forgets a call when it ends.
 */
import { describe, expect, it, vi } from 'vitest';
import { LevelMeter, LiveMeterSink, METER_STEP, callsChannel } from '../../src/api/index.js';
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

  it('publishes the opening record and each reading; rewrites the record every refreshEvery readings', () => {
    const out = fake();
    const sink = new LiveMeterSink({ out, maxSessions: 5, refreshEvery: 2 });
    const s = sink.open(info('AB'));
    expect(out.set).toHaveBeenCalledTimes(1);
    expect(JSON.parse(out.set.mock.calls[0]?.[1] as string)).toEqual({ startedAt: '2026-01-01T00:00:00.000Z', forwarded: [], levels: null });
    for (let i = 0; i < 4; i++) s?.audio(frame(250, 0x80, 0xff), 0, 2000);
    const messages = out.publish.mock.calls.map(([channel, m]) => [channel, JSON.parse(m as string)]);
    expect(messages.every(([channel]) => channel === callsChannel(ORG))).toBe(true);
    expect(messages.filter(([, m]) => m.meter?.levels).length).toBe(4);
    expect(messages[1]?.[1]).toMatchObject({ t: 'meter', conversationId: 'ab', meter: { levels: { agent: -96 } } });
    expect(out.set).toHaveBeenCalledTimes(3);
  });

  it('meters at most maxSessions (the rest counted), frees a slot at end, deletes the record and says ended', async () => {
    const out = fake();
    const onDrop = vi.fn();
    const sink = new LiveMeterSink({ out, maxSessions: 1, onDrop });
    const first = sink.open(info('a'));
    expect(sink.open(info('b'))).toBeUndefined();
    expect(onDrop).toHaveBeenCalledTimes(1);
    await first?.end({ reason: 'end', position: 0, endedAt: '' });
    await first?.end({ reason: 'end', position: 0, endedAt: '' });
    expect(sink.size).toBe(0);
    expect(out.delete).toHaveBeenCalledTimes(1);
    expect(JSON.parse(out.publish.mock.calls.at(-1)?.[1] as string)).toEqual({ t: 'end', conversationId: 'a' });
    expect(sink.open(info('c'))).toBeDefined();
  });

  it('shows no levels for audio it cannot read as µ-law', () => {
    const out = fake();
    const s = new LiveMeterSink({ out, maxSessions: 1 }).open(info('l', 'L16'));
    s?.audio(new Uint8Array(8000), 0, 2000);
    expect(out.publish).toHaveBeenCalledTimes(1);
  });

  it('names the destinations connected now: added when one accepts the socket, removed when it closes, once each', () => {
    const out = fake();
    const sink = new LiveMeterSink({ out, maxSessions: 5 });
    sink.open(info('f'));
    const forwarded = () => (JSON.parse(out.set.mock.calls.at(-1)?.[1] as string) as { forwarded: string[] }).forwarded;
    sink.connection('s', 'crm', true);
    sink.connection('s', 'crm', true);
    sink.connection('s', 'asr', true);
    expect(forwarded()).toEqual(['crm', 'asr']);
    sink.connection('s', 'crm', false);
    expect(forwarded()).toEqual(['asr']);
    expect(out.set).toHaveBeenCalledTimes(4);
    sink.connection('another session', 'x', true);
    expect(out.set).toHaveBeenCalledTimes(4);
  });
});
