/**
 * The emulator's AudioConnector client (Genesys's side of "Call Audio
 * Connector") against a small fake server, on a fake clock the test moves:
 * signed upgrade, open with inputVariables, 200 ms caller frames, the binary
 * rate limit (429), real-time playout with playback_started/completed,
 * barge-in flushing the playout, DTMF, and disconnect with output variables.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { newEntry } from '../../../src/emulator/botcall/caller.js';
import type { BotCallEntry } from '../../../src/emulator/botcall/entry.js';
import { loadCallerPhrases } from '../../../src/emulator/botcall/phrases.js';
import type { CallerStep } from '../../../src/emulator/botcall/script.js';
import { ConnectorSession } from '../../../src/emulator/botcall/session.js';
import { botCallSchema } from '../../../src/emulator/settings.js';
import { FakeAudioConnector, type FakeConnection } from '../../helpers/fake-audioconnector.js';
import { until } from '../../helpers/until.js';

const ORG = '7a1b2c3d-0000-4000-8000-000000000001';
const phrases = loadCallerPhrases();
let server: FakeAudioConnector;
let clock: number;
let sessions: ConnectorSession[] = [];
let n = 0;

beforeAll(async () => {
  server = await FakeAudioConnector.start();
});
afterAll(async () => {
  await server.stop();
});
beforeEach(() => {
  clock = 1_000_000;
  server.onOpen = 'ok';
  server.answerClose = true;
  server.onMessage = undefined;
});
afterEach(() => {
  for (const s of sessions) s.client.terminate();
  sessions = [];
});

interface Started {
  s: ConnectorSession;
  e: BotCallEntry;
  conn: FakeConnection;
}

async function start(script: CallerStep[] = [], settings: Record<string, unknown> = {}, connectorId = 'bot-a?lang=en'): Promise<Started> {
  const index = server.connections.length;
  const ids = { sessionId: `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`, correlationId: '00000000-0000-4000-8000-ffffffffffff' };
  const inputVariables = { customerTier: 'gold', queue: 'Support' };
  const e = newEntry(ids, '11111111-2222-4333-8444-555555555555', ORG, 'integration-1', { connectorId, inputVariables }, server.baseUri + connectorId, new Date().toISOString());
  const s = new ConnectorSession(
    {
      url: e.url,
      apiKey: server.apiKey,
      clientSecret: server.secret,
      orgId: ORG,
      conversationId: e.conversationId,
      participant: { id: '22222222-3333-4444-8555-666666666666', ani: 'tel:+15555550100', aniName: 'Caller', dnis: 'tel:+15555550199' },
      ...ids,
      inputVariables,
      customConfig: { region: 'eu' },
      language: 'en-US',
      script,
      phrases,
      settings: botCallSchema.parse(settings),
    },
    e,
    () => clock,
    () => new Date(clock).toISOString(),
    () => undefined,
  );
  sessions.push(s);
  await s.start();
  const conn = await server.next(index);
  if (server.onOpen === 'ok') await until(() => e.result === 'open', 5000, 'opened');
  return { s, e, conn };
}

/** Advances the fake clock in steps, pumping the session at each. */
function run(s: ConnectorSession, ms: number, step = 200): void {
  for (let t = 0; t < ms; t += step) {
    clock += Math.min(step, ms - t);
    s.pump();
  }
}

describe('AudioConnector client: upgrade and open', () => {
  it('signs the upgrade to base URI + connector id (query kept) and opens with PCMU mono external and the input variables', async () => {
    const { conn } = await start();
    expect(conn.url).toBe('/api/v1/audioconnector/bot-a?lang=en');
    expect(conn.verified).toMatchObject({ ok: true, signed: true, apiKey: server.apiKey });
    const [open] = await conn.waitFor('open');
    expect(open?.parameters).toMatchObject({
      organizationId: ORG,
      conversationId: '11111111-2222-4333-8444-555555555555',
      media: [{ type: 'audio', format: 'PCMU', channels: ['external'], rate: 8000 }],
      inputVariables: { customerTier: 'gold', queue: 'Support' },
      customConfig: { region: 'eu' },
      language: 'en-US',
    });
  });

  it('no opened within 5 s: error 408, then close(error)', async () => {
    server.onOpen = 'none';
    const { s, e, conn } = await start();
    await conn.waitFor('open');
    run(s, 5000, 1000);
    expect(conn.of('error')).toHaveLength(0);
    run(s, 1, 1);
    const [err] = await conn.waitFor('error');
    expect(err?.parameters).toEqual({ code: 408, message: 'Timed out waiting for opened response' });
    const [close] = await conn.waitFor('close');
    expect(close?.parameters).toEqual({ reason: 'error' });
    await until(() => e.result === 'completed', 5000, 'closed');
  });
});

describe('AudioConnector client: caller audio', () => {
  it('streams 1600-byte frames every 200 ms, silence (0xFF) when the caller is not speaking', async () => {
    const { s, conn } = await start();
    clock += 199;
    s.pump();
    expect(s.client.framesSent).toBe(0);
    clock += 1;
    s.pump();
    expect(s.client.framesSent).toBe(1);
    run(s, 800);
    expect(s.client.framesSent).toBe(5);
    await until(() => conn.binaries.length === 5, 5000, '5 frames');
    expect(conn.binaries.map((b) => b.length)).toEqual([1600, 1600, 1600, 1600, 1600]);
    expect(conn.binaries.every((b) => b.every((x) => x === 0xff))).toBe(true);
  });

  it('says a phrase: the frames carry exactly the fixture, padded with silence to whole frames', async () => {
    const { s, e, conn } = await start([{ say: 'yes', when: { afterMs: 0 } }]);
    const yes = phrases.get('yes')?.audio as Uint8Array;
    const frames = Math.ceil(yes.length / 1600);
    run(s, frames * 200 + 400);
    await until(() => conn.binaries.length === s.client.framesSent, 5000, 'all frames');
    const sent = Buffer.concat(conn.binaries);
    expect(e.step).toBe(1);
    expect(Buffer.compare(sent.subarray(0, yes.length), Buffer.from(yes))).toBe(0);
    expect(sent.subarray(yes.length).every((x) => x === 0xff)).toBe(true);
  });

  it('logs when the frame holding the phrase\'s speech end was sent: what a bot\'s response time is measured from', async () => {
    const { s, e } = await start([{ say: 'yes', when: { afterMs: 0 } }, { say: 'no', when: { afterMs: 1000 } }]);
    run(s, 5000);
    expect(e.step).toBe(2);
    // Frame k of a phrase goes out (k + 1) × 200 ms after the step starts; the end is in frame ⌊end × 8 / 1600⌋.
    const endFrame = (name: string): number => Math.floor(((phrases.get(name)?.speechEndMs ?? NaN) * 8) / 1600);
    const yesFrames = Math.ceil((phrases.get('yes')?.audio.length ?? NaN) / 1600);
    const noStart = 200 * yesFrames + 1000;
    expect(e.callerTurns).toEqual([
      { kind: 'say', input: 'yes', endSentAtMs: 200 * (endFrame('yes') + 1) },
      { kind: 'say', input: 'no', endSentAtMs: noStart + 200 * (endFrame('no') + 1) },
    ]);
  });
});

describe('AudioConnector client: binary rate limit', () => {
  it('30 binary messages at once: the 5 beyond the burst of 25 get error 429 and are dropped, and counted', async () => {
    const { e, conn } = await start();
    for (let i = 0; i < 30; i++) conn.audio(new Uint8Array(160).fill(i));
    await until(() => e.receivedMessages === 30, 5000, '30 messages');
    expect(e.rateLimited).toBe(5);
    expect(e.receivedBytes).toBe(30 * 160);
    expect(e.keptBytes).toBe(25 * 160);
    const errors = await conn.waitFor('error', 5);
    expect(errors.map((m) => m.parameters)).toEqual(Array(5).fill({ code: 429, message: 'Too Many Requests', retryAfter: 'PT1S' }));
  });

  it('a server that paces at 5 messages/s gets no 429, however long it talks', async () => {
    const { e, conn } = await start();
    for (let i = 0; i < 60; i++) {
      conn.audio(new Uint8Array(1600).fill(0x7f));
      await until(() => e.receivedMessages === i + 1, 5000, `message ${i + 1}`);
      clock += 200;
    }
    expect(e.rateLimited).toBe(0);
    expect(conn.of('error')).toHaveLength(0);
  });

  it('the limit comes from the settings', async () => {
    const { e, conn } = await start([], { rateLimit: { burst: 3, perSecond: 1 }, retryAfter: 'PT2S' });
    for (let i = 0; i < 5; i++) conn.audio(new Uint8Array(8));
    await until(() => e.receivedMessages === 5, 5000, '5 messages');
    expect(e.rateLimited).toBe(2);
    expect((await conn.waitFor('error', 2))[0]?.parameters.retryAfter).toBe('PT2S');
  });
});

describe('AudioConnector client: playout', () => {
  it('playback_started when audio arrives while idle, playback_completed when it has played in real time', async () => {
    const { s, e, conn } = await start();
    const startedAt = clock;
    conn.audio(new Uint8Array(1600).fill(1));
    conn.audio(new Uint8Array(1600).fill(2));
    await until(() => e.receivedMessages === 2, 5000, 'audio');
    await conn.waitFor('playback_started');
    run(s, 399, 399);
    expect(s.client.core.state).toBe('active');
    expect(conn.order.filter((o) => o === 'playback_completed')).toHaveLength(0);
    run(s, 1, 1);
    await conn.waitFor('playback_completed');
    expect(conn.of('playback_started')).toHaveLength(1);
    expect(conn.order.indexOf('playback_started')).toBeLessThan(conn.order.indexOf('playback_completed'));
    expect(e.playbacks).toEqual([{ startedAtMs: startedAt - 1_000_000, endedAtMs: startedAt - 1_000_000 + 400, bytesPlayed: 3200, bytesFlushed: 0 }]);
    // Idle again: the next audio starts a new playback.
    conn.audio(new Uint8Array(800));
    await conn.waitFor('playback_started', 2);
    expect(e.playbacks).toHaveLength(2);
  });

  it('barge_in flushes the playout at once (then playback_completed); nothing queued plays after it; the timing is logged', async () => {
    const { s, e, conn } = await start([{ say: 'long-question', bargeIn: true, afterMs: 400 }]);
    const long = phrases.get('long-question');
    conn.audio(new Uint8Array(16000).fill(0x55)); // 2 s of bot speech
    await conn.waitFor('playback_started');
    const playStart = clock;
    run(s, 400);
    // The caller started speaking with the frame just sent; the onset (250 ms into the phrase) is in the next one.
    expect(s.client.framesSent).toBe(2);
    run(s, 200);
    const onsetAt = clock;
    expect(Math.floor(((long?.speechStartMs ?? 0) * 8) / 1600)).toBe(1);
    run(s, 400); // the caller keeps talking; the bot reacts 520 ms after the onset
    clock += 120;
    conn.bargeIn();
    await until(() => e.bargeIns.length === 1, 5000, 'barge-in');
    expect(e.bargeInCount).toBe(1);
    await conn.waitFor('playback_completed');
    expect(e.bargeIns[0]).toEqual({ onsetSentAtMs: onsetAt - 1_000_000, flushedAtMs: clock - 1_000_000, latencyMs: 520, bytesFlushed: 16000 - (clock - playStart) * 8 });
    expect(e.playbacks[0]).toMatchObject({ bytesPlayed: (clock - playStart) * 8, bytesFlushed: 16000 - (clock - playStart) * 8, endedAtMs: clock - 1_000_000 });
    // Past the time the 2 s would have drained: no second completion, nothing playing.
    run(s, 5000);
    // The ping is sent after anything this pump sent, so once it arrives the count is final.
    await conn.waitFor('ping');
    expect(conn.of('playback_completed')).toHaveLength(1);
    expect(e.playbacks).toHaveLength(1);
  });
});

describe('AudioConnector client: DTMF and the end', () => {
  it('sends DTMF one digit per message', async () => {
    const { s, e, conn } = await start([{ dtmf: '12#' }]);
    // One key per frame period (200 ms), as a caller pressing keys, however often the clock turns.
    run(s, 20, 20);
    expect(e.dtmfSent).toBe('1');
    run(s, 180, 20);
    expect(e.dtmfSent).toBe('1');
    run(s, 20, 20);
    expect(e.dtmfSent).toBe('12');
    run(s, 200, 20);
    const keys = await conn.waitFor('dtmf', 3);
    expect(keys.map((m) => m.parameters)).toEqual([{ digit: '1' }, { digit: '2' }, { digit: '#' }]);
    expect(e.dtmfSent).toBe('12#');
    expect(e.step).toBe(1);
    // The keys ended with the last one, sent 420 ms into the session.
    expect(e.callerTurns).toEqual([{ kind: 'dtmf', input: '12#', endSentAtMs: 420 }]);
  });

  it('DTMF `when: after-bot` waits until the bot has played something and its playout drained', async () => {
    const { s, e, conn } = await start([{ dtmf: '1#', when: 'after-bot' }]);
    run(s, 1000);
    expect(e.dtmfSent).toBe('');
    conn.audio(new Uint8Array(1600)); // 200 ms of bot speech
    await conn.waitFor('playback_started');
    const playStart = clock;
    run(s, 199, 199);
    expect(e.dtmfSent).toBe('');
    run(s, 1, 1); // drained: the first key goes with this pump
    expect(e.dtmfSent).toBe('1');
    run(s, 200);
    expect(e.dtmfSent).toBe('1#');
    expect(e.callerTurns).toEqual([{ kind: 'dtmf', input: '1#', endSentAtMs: playStart + 400 - 1_000_000 }]);
  });

  it('disconnect completed with outputVariables → close(disconnect) → closed; the variables are recorded exactly', async () => {
    const { e, conn } = await start();
    const outputVariables = { intent: 'order_status', orderId: 'A-17', note: 'ünïcode, "quoted"' };
    conn.disconnect('completed', { info: 'bot finished', outputVariables });
    const [close] = await conn.waitFor('close');
    expect(close?.parameters).toEqual({ reason: 'disconnect' });
    await until(() => e.result === 'completed' && e.endedAt !== undefined, 5000, 'closed');
    expect(e.disconnect).toEqual({ reason: 'completed', info: 'bot finished', outputVariables });
    expect(e.closeReason).toBe('disconnect');
    expect(e.protocolErrors).toEqual([]);
  });

  it('no closed within 10 s after close: the socket is dropped and the log says why', async () => {
    server.answerClose = false;
    const { s, e, conn } = await start([{ hangup: true }]);
    s.pump();
    await conn.waitFor('close');
    run(s, 10_000, 1000);
    expect(e.result).toBe('closing');
    run(s, 1, 1);
    await until(() => e.endedAt !== undefined, 5000, 'dropped');
    expect(e).toMatchObject({ result: 'dropped', error: 'close transaction timed out', closeReason: 'end' });
  });

  it('a server message without parameters is a protocol error: error + close(error), as the strict client', async () => {
    const { e, conn } = await start();
    conn.send('event', undefined);
    await until(() => e.protocolErrors.length >= 1, 5000, 'protocol error');
    expect(e.protocolErrors[0]).toContain('Missing parameters');
    expect((await conn.waitFor('close'))[0]?.parameters).toEqual({ reason: 'error' });
  });
});
