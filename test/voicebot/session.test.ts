/**
 * The AudioConnector endpoint and voice-bot session over real sockets on 127.0.0.1, with a fake bot, ASR,
 * TTS and VAD (test/voicebot/harness.ts). The fake TTS fills each utterance's bytes with a tag per text,
 * so a test can tell whose audio arrived.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness, type TestClient } from './harness.js';

let h: Harness;
afterEach(async () => {
  await h?.stop();
});

async function openCall(c: TestClient) {
  await c.connect();
  c.open();
  return c.waitFor('opened');
}

function tagOf(h: Harness, text: string): number {
  return h.fakes.ttsTag.get(text)!;
}

describe('AudioConnector endpoint', () => {
  it('answers a connection probe with opened (startPaused:false, the offered media) and closed, and starts no bot', async () => {
    h = await startHarness();
    const c = h.client('my-bot', { probe: true });
    const opened = await openCall(c);
    expect(opened.parameters).toEqual({ media: [{ type: 'audio', format: 'PCMU', channels: ['external'], rate: 8000 }], startPaused: false });
    c.send('close', { reason: 'end' });
    await c.waitFor('closed');
    expect(h.fakes.opened).toEqual([]);
    expect(h.fakes.asr).toBeUndefined();
    expect(c.audios()).toEqual([]);
  });

  it('passes the probe Genesys runs at the base URI (no Connector ID yet), and refuses a call there in its open transaction', async () => {
    h = await startHarness();
    const probe = h.client('', { probe: true });
    await openCall(probe);
    probe.send('close', { reason: 'end' });
    await probe.waitFor('closed');
    const call = h.client('');
    await call.connect();
    call.open();
    const d = await call.waitFor('disconnect');
    expect(d.parameters).toEqual({ reason: 'error', info: expect.stringMatching(/^No Connector ID/) });
    expect(call.texts('opened')).toEqual([]);
    expect(h.fakes.opened).toEqual([]);
  });

  it('refuses a bad signature and an unknown connector the same way', async () => {
    h = await startHarness();
    const bad = h.client('my-bot', { secret: Buffer.alloc(32, 7).toString('base64') });
    const unknown = h.client('no-such-bot');
    for (const c of [bad, unknown]) {
      await c.connect();
      c.open();
    }
    const [a, b] = await Promise.all([bad.waitFor('disconnect'), unknown.waitFor('disconnect')]);
    expect(a.parameters).toEqual({ reason: 'unauthorized', info: 'Unauthorized' });
    expect(b.parameters).toEqual(a.parameters);
    expect(bad.texts('opened')).toEqual([]);
    expect(unknown.texts('opened')).toEqual([]);
    expect(h.fakes.opened).toEqual([]);
    expect(await h.metric('hookline_voicebot_auth_failures_total{reason="mismatch"}')).toBe(1);
    expect(await h.metric('hookline_voicebot_auth_failures_total{reason="unknown-connector"}')).toBe(1);
  });

  it('ends calls with disconnect error when no engines are wired', async () => {
    h = await startHarness({}, false);
    const c = h.client();
    await openCall(c);
    const d = await c.waitFor('disconnect');
    expect(d.parameters).toEqual({ reason: 'error', info: 'voice bot engines not available' });
  });
});

describe('voice-bot session', () => {
  it('opens the bot with the input variables and speaks the greeting, paced (connector id case-insensitive, query tolerated)', async () => {
    h = await startHarness();
    h.fakes.bot = async (input) => (input === 'start' ? { replies: ['long greeting'] } : { replies: [] });
    const c = h.client('MY-BOT?version=1', { inputVariables: { customer: 'gold' } });
    await openCall(c);
    await c.until(() => c.audioBytes() === 24_000, 8000, 'the whole greeting');
    expect(h.fakes.opened).toEqual([{ conversationId: c.conversationId, inputVariables: { customer: 'gold' } }]);
    expect(h.fakes.asr?.phrases).toEqual(['yes', 'no']);
    const sizes = c.audios().map((b) => b.length);
    // Messages of at least 200 ms (but the tail), none beyond the 1 s lead: never the whole reply at once.
    expect(sizes.length).toBeGreaterThan(2);
    for (const s of sizes.slice(0, -1)) expect(s).toBeGreaterThanOrEqual(1600);
    expect(sizes.every((s) => s <= 8000)).toBe(true);
    expect(c.audios().every((b) => b.every((x) => x === tagOf(h, 'long greeting')))).toBe(true);
  });

  it('sends caller audio to the ASR; a final transcript goes to the bot and its reply comes back as audio', async () => {
    h = await startHarness();
    h.fakes.bot = async (input) => (input === 'start' ? { replies: [] } : input.type === 'text' ? { replies: [`you said ${input.text}`] } : { replies: [] });
    const c = h.client();
    await openCall(c);
    await c.until(() => h.fakes.asr, 2000, 'asr connected');
    c.audio(1600);
    // Silence stays out of the recognizer (the utterance gate); speech goes in.
    h.fakes.vadQueue.push({ type: 'speech-start', atMs: 200 });
    c.audio(1600);
    await c.until(() => h.fakes.asrAudioBytes === 3200, 2000, 'audio at the ASR');
    h.fakes.asrEvent({ type: 'final', text: 'yes', confidence: 0.9 });
    await c.until(() => c.audios().length > 0, 2000, 'reply audio');
    expect(h.fakes.inputs).toEqual([{ type: 'text', text: 'yes', confidence: 0.9 }]);
    // The recognized turn is reported for Architect's flow history.
    expect(c.texts('event').map((e) => e.parameters)).toEqual([{ entities: [{ type: 'bot_turn_response', data: { disposition: 'match', text: 'yes', confidence: 0.9 } }] }]);
    expect(c.audios()[0]![0]).toBe(tagOf(h, 'you said yes'));
  });

  it('barge-in: caller speech over bot audio drops the unsent audio, aborts the TTS and sends barge_in', async () => {
    h = await startHarness();
    h.fakes.ttsBytes = (t) => (t.startsWith('long') ? 80_000 : 4000);
    h.fakes.bot = async (input) => (input === 'start' ? { replies: ['long greeting'] } : { replies: ['ok'] });
    const c = h.client();
    await openCall(c);
    await c.until(() => c.audios().length > 0, 2000, 'greeting audio');
    h.fakes.vadQueue.push({ type: 'speech-start', atMs: 0 });
    c.audio(160);
    await c.waitFor('event');
    const event = c.received.findIndex((r) => r.kind === 'text' && r.type === 'event');
    expect(c.texts('event')[0]!.parameters).toEqual({ entities: [{ type: 'barge_in', data: {} }] });
    // The caller's next turn is answered: everything after the event is that answer, none of the greeting.
    h.fakes.asrEvent({ type: 'final', text: 'stop' });
    await c.until(() => c.audios().some((b) => b[0] === tagOf(h, 'ok')), 3000, 'the answer after barge-in');
    const after = c.received.slice(event + 1).filter((r) => r.kind === 'audio');
    expect(after.every((r) => r.kind === 'audio' && r.data.every((x) => x === tagOf(h, 'ok')))).toBe(true);
    const greetingBytes = c.audios().filter((b) => b[0] === tagOf(h, 'long greeting')).reduce((n, b) => n + b.length, 0);
    expect(greetingBytes).toBeLessThan(80_000);
    expect(await h.metric('hookline_voicebot_barge_ins_total')).toBe(1);
  });

  it('collects DTMF digits until the terminator and sends them to the bot', async () => {
    h = await startHarness();
    h.fakes.bot = async () => ({ replies: [] });
    const c = h.client();
    await openCall(c);
    await c.until(() => h.fakes.opened.length === 1, 2000, 'bot opened');
    for (const d of ['1', '2', '#']) c.send('dtmf', { digit: d });
    await c.until(() => h.fakes.inputs.length === 1, 2000, 'digits at the bot');
    expect(h.fakes.inputs).toEqual([{ type: 'dtmf', digits: '12' }]);
  });

  it('a bot that ends waits for playback_completed, then disconnects completed with string output variables and action', async () => {
    h = await startHarness();
    h.fakes.bot = async (input) => (input === 'start' ? { replies: ['bye'], action: 'end', outputVariables: { intent: 'billing', action: 'ignored' } } : { replies: [] });
    const c = h.client();
    await openCall(c);
    await c.until(() => c.audioBytes() === 4000, 2000, 'goodbye audio');
    // A ping answered after all the audio: the server had its chance to disconnect early and did not.
    c.send('ping', {});
    await c.waitFor('pong');
    expect(c.texts('disconnect')).toEqual([]);
    c.send('playback_completed', {});
    const d = await c.waitFor('disconnect');
    expect(d.parameters).toEqual({ reason: 'completed', outputVariables: { intent: 'billing', action: 'end' } });
    await c.waitFor('closed');
  });

  it('a bot that is down: spoken fallback, then disconnect completed with action=handover, reason=bot-unavailable', async () => {
    h = await startHarness();
    h.fakes.bot = async () => {
      throw new Error('connect ECONNREFUSED');
    };
    const c = h.client();
    await openCall(c);
    await c.until(() => c.audioBytes() === 4000, 2000, 'fallback audio');
    const fallback = "Sorry, I can't help with that right now. Let me transfer you.";
    expect(c.audios()[0]![0]).toBe(tagOf(h, fallback));
    c.send('playback_completed', {});
    const d = await c.waitFor('disconnect');
    expect(d.parameters).toEqual({ reason: 'completed', outputVariables: { action: 'handover', reason: 'bot-unavailable' } });
    expect(await h.metric('hookline_voicebot_bot_failures_total{reason="unavailable"}')).toBe(1);
  });

  it('a bot that never answers: aborted after botMs, fallback, then reason=bot-timeout', async () => {
    h = await startHarness();
    let aborted = false;
    h.fakes.bot = (_input, signal) =>
      new Promise(() => {
        signal.addEventListener('abort', () => (aborted = true));
      });
    const c = h.client();
    await openCall(c);
    await c.until(() => c.audioBytes() === 4000, 3000, 'fallback audio');
    c.send('playback_completed', {});
    const d = await c.waitFor('disconnect');
    expect(d.parameters).toEqual({ reason: 'completed', outputVariables: { action: 'handover', reason: 'bot-timeout' } });
    expect(aborted).toBe(true);
  });

  it('onBotFailure=error ends with disconnect error', async () => {
    h = await startHarness({ onBotFailure: 'error' });
    h.fakes.bot = async () => {
      throw new Error('down');
    };
    const c = h.client();
    await openCall(c);
    await c.until(() => c.audioBytes() === 4000, 2000, 'fallback audio');
    c.send('playback_completed', {});
    expect((await c.waitFor('disconnect')).parameters).toEqual({ reason: 'error', info: 'bot unavailable' });
  });

  it('silence after playback sends silence_timeout to the bot', async () => {
    h = await startHarness({ timeouts: { botMs: 1000, silenceMs: 100, endDrainMs: 5000 } });
    h.fakes.bot = async (input) => (input === 'start' ? { replies: ['hello'] } : { replies: [] });
    const c = h.client();
    await openCall(c);
    await c.until(() => c.audioBytes() === 4000, 2000, 'greeting');
    c.send('playback_completed', {});
    await c.until(() => h.fakes.inputs.length === 1, 3000, 'silence event');
    expect(h.fakes.inputs).toEqual([{ type: 'event', name: 'silence_timeout' }]);
  });

  it('the silence event is the connector’s to name (a bot with its own no-input intent)', async () => {
    h = await startHarness({ silenceEvent: 'no_input', timeouts: { botMs: 1000, silenceMs: 100, endDrainMs: 5000 } });
    h.fakes.bot = async (input) => (input === 'start' ? { replies: ['hello'] } : { replies: [] });
    const c = h.client();
    await openCall(c);
    await c.until(() => c.audioBytes() === 4000, 2000, 'greeting');
    c.send('playback_completed', {});
    await c.until(() => h.fakes.inputs.length === 1, 3000, 'silence event');
    expect(h.fakes.inputs).toEqual([{ type: 'event', name: 'no_input' }]);
    // The bot is called in-process while the event still crosses the socket: wait for it, then compare.
    await c.until(() => c.texts('event').length === 1, 3000, 'bot_turn_response event');
    expect(c.texts('event').map((e) => e.parameters)).toEqual([{ entities: [{ type: 'bot_turn_response', data: { disposition: 'no_input' } }] }]);
  });

  it('close gets closed at once and lets go of the bot', async () => {
    h = await startHarness();
    const c = h.client();
    await openCall(c);
    await c.until(() => h.fakes.opened.length === 1, 2000, 'bot opened');
    c.send('close', { reason: 'end' });
    await c.waitFor('closed');
    await c.until(() => h.fakes.closedConversations === 1, 2000, 'conversation closed');
  });

  it('update with a language is answered with updated', async () => {
    h = await startHarness();
    const c = h.client();
    await openCall(c);
    c.send('update', { language: 'fr-FR' });
    await c.waitFor('updated');
    await c.until(() => h.fakes.asr?.language === 'fr-FR', 2000, 'ASR reconnected in the new language');
  });
});
