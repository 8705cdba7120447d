/**
 * Transcription Connector mode end to end: a transcript entity made from a
 * final result and sent through a session's SessionEvents (the way back to
 * Genesys that capture hands to sinks) arrives at the emulator's AudioHook
 * client, which records it with the offsets as sent (stream timeline).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { transcriptEntity } from '../../src/analysis/speech/index.js';
import type { SessionEvents, SessionInfo, Sink, SinkSession } from '../../src/capture/index.js';
import type { RunningEmulator, SeededOrg } from '../../src/emulator/index.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { emulator, until } from '../emulator/helpers.js';

/** A sink that keeps each session's way back, as the analysis sink will. */
class EventsSink implements Sink {
  readonly name = 'events';
  readonly sessions = new Map<string, { info: SessionInfo; events: SessionEvents | undefined }>();
  open(info: SessionInfo, events?: SessionEvents): SinkSession {
    this.sessions.set(info.sessionId, { info, events });
    return { audio: () => undefined, control: () => undefined, end: async () => undefined };
  }
}

let t: TestServer;
let emu: RunningEmulator;
let org: SeededOrg;
const sink = new EventsSink();

beforeAll(async () => {
  t = await startTestServer({}, { sinks: () => [sink] });
  emu = await emulator({
    speed: 0,
    seed: { orgs: [{ id: t.orgId, name: 'Hooked', users: [{ name: 'Alice' }], integrations: [{ name: 'Hookline', connectionUri: t.wsUrl, apiKey: t.apiKey, clientSecret: t.secret }] }] },
  });
  org = emu.seeded[0] as SeededOrg;
});
afterAll(async () => {
  await emu.stop();
  await t.stop();
});

describe('Transcription Connector events', () => {
  it('a transcript event sent through SessionEvents is recorded by the emulator with its stream-timeline offsets', async () => {
    const call = await emu.control.startCall(org.orgId, { durations: { ivrMs: 500, queueMs: 500, alertMs: 500, talkMs: 6000, acwMs: 1000 } });
    const entry = await until(async () => (await emu.control.audioHookLog({ conversationId: call.conversationId, kind: 'call' })).find((e) => e.result === 'open'), 5000, 'session open');
    const s = await until(() => sink.sessions.get(entry.sessionId), 5000, 'sink opened');
    const channels = s.info.media.channels.map((c) => (c === 'external' ? 'customer' : 'agent'));
    const entity = transcriptEntity(
      { party: 'customer', text: 'i want to cancel my contract', final: true, startMs: 27_280, endMs: 28_620, confidence: 0.94, language: 'en-US' },
      { id: '5a3e8f4c-1d2b-4c6a-9e7f-0b1c2d3e4f50', channels },
    );
    expect(entity).toBeDefined();
    expect(s.events?.send([entity!])).toBe(true);
    const got = await until(async () => (await emu.control.audioHookLog({ conversationId: call.conversationId, kind: 'call' }))[0]?.events[0], 5000, 'event recorded');
    expect(got.entities).toEqual([
      {
        type: 'transcript',
        data: {
          id: '5a3e8f4c-1d2b-4c6a-9e7f-0b1c2d3e4f50',
          channelId: 0,
          isFinal: true,
          offset: 'PT27.28S',
          duration: 'PT1.34S',
          alternatives: [{ confidence: 0.94, languages: ['en-US'], interpretations: [{ type: 'display', transcript: 'i want to cancel my contract', tokens: [] }] }],
        },
      },
    ]);
    await emu.control.advance(call.finalMs);
  });
});
