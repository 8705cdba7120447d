/**
 * Conformance items 2–4: the open transaction, connection probes, media selection.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MediaParameter } from '../../src/protocol/audiohook/index.js';
import { CollectingSink } from '../helpers/sinks.js';
import { openSession, startTestServer, type TestServer } from '../helpers/server.js';

const PCMU = (channels: MediaParameter['channels'], rate = 8000): MediaParameter => ({ type: 'audio', format: 'PCMU', channels, rate });
const STEREO = PCMU(['external', 'internal']);
const INVERTED = PCMU(['internal', 'external']);
const EXT = PCMU(['external']);
const INT = PCMU(['internal']);
const L16 = { type: 'audio', format: 'L16', channels: ['external', 'internal'], rate: 8000 } as MediaParameter;

describe('open transaction', () => {
  let t: TestServer;
  const sink = new CollectingSink();
  /** Sessions the server's admission (the gate) was asked about. */
  const asked: string[] = [];
  beforeAll(async () => {
    t = await startTestServer({}, {
      sinks: () => [sink],
      admission: (gate) => ({ decide: (ctx, handle) => (asked.push(ctx.sessionId), gate.decide(ctx, handle)), ended: (handle) => gate.ended(handle) }),
    });
  });
  afterAll(() => t.stop());

  it('answers opened with seq 1, clientseq 1, parameters and one offered media entry', async () => {
    const c = t.client();
    await c.connect();
    c.open();
    const opened = await c.waitFor('opened');
    const raw = JSON.parse(opened.raw);
    expect(raw).toMatchObject({ version: '2', id: c.sessionId, type: 'opened', seq: 1, clientseq: 1 });
    expect(raw.parameters.media).toEqual([STEREO]);
    expect(raw.position).toBeUndefined();
    expect(c.core.protocolErrors).toEqual([]);
    c.close();
    await c.waitFor('closed');
  });

  it('lists supported languages only when asked', async () => {
    const asked = t.client({ supportedLanguages: true });
    expect((await openSession(asked)).supportedLanguages).toEqual([]);
    const notAsked = t.client();
    expect((await openSession(notAsked)).supportedLanguages).toBeUndefined();
  });

  it.each([
    ['stereo first', [STEREO, EXT, INT], STEREO],
    ['inverted stereo keeps its channel order', [INVERTED, INT, EXT], INVERTED],
    ['stereo preferred even when offered later', [EXT, STEREO], STEREO],
    ['external only', [EXT], EXT],
    ['internal only', [INT], INT],
    ['L16 only', [L16], L16],
  ])('selects media: %s', async (_n, offers, expected) => {
    const c = t.client({ media: offers });
    const opened = await openSession(c);
    expect(opened.media).toEqual([expected]);
    expect(c.core.protocolErrors).toEqual([]);
  });

  it('answers media [] for an unsupported rate and for an empty offer', async () => {
    const rate = t.client({ media: [PCMU(['external', 'internal'], 16000)] });
    expect((await openSession(rate)).media).toEqual([]);
    const empty = t.client({ media: [] });
    expect((await openSession(empty)).media).toEqual([]);
    rate.close();
    await rate.waitFor('closed');
  });

  it('handles a connection probe with no side effects', async () => {
    // Side effects start where admission is asked and sinks are opened (the recorder is one):
    // watch both for this probe's session, rather than scanning a directory that may not exist yet.
    const before = {
      probes: await t.metric('hookline_audiohook_probes_total'),
      opened: await t.metric('hookline_audiohook_sessions_opened_total'),
      latency: await t.metric('hookline_audiohook_open_latency_seconds_count'),
    };
    const c = t.client({ probe: true });
    await c.connect();
    c.open();
    await c.waitFor('opened');
    // Admission, sinks and the open metrics all run before `opened` is written to the socket.
    expect(asked).not.toContain(c.sessionId);
    expect(sink.sessions.has(c.sessionId)).toBe(false);
    expect(await t.metric('hookline_audiohook_probes_total')).toBe(before.probes + 1);
    expect(await t.metric('hookline_audiohook_sessions_opened_total')).toBe(before.opened);
    expect(await t.metric('hookline_audiohook_open_latency_seconds_count')).toBe(before.latency);
    c.close('end');
    await c.waitFor('closed');
    await c.waitForSocketClose();
    expect(sink.sessions.has(c.sessionId)).toBe(false);
    expect(c.received.map((m) => m.type)).toEqual(['opened', 'closed']);
  });
});

describe('media policy: disconnect when nothing is acceptable', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ audiohook: { media: { onNoMatch: 'disconnect' } } });
  });
  afterAll(() => t.stop());

  it('disconnects with error for an unsupported rate, then answers close', async () => {
    const c = t.client({ media: [PCMU(['external'], 16000)] });
    await c.connect();
    c.open();
    const d = await c.waitFor('disconnect');
    expect(d.parameters).toMatchObject({ reason: 'error', info: 'No acceptable media offered' });
    await c.waitFor('closed');
  });
});
