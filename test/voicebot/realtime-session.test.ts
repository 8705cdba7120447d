/**
 * A speech-to-speech connector end to end over real sockets: Genesys-like
 * client → AudioConnector endpoint → OpenAI-Realtime-compatible adapter →
 * a local Realtime server (test/helpers/fake-realtime.ts, from the public
 * protocol docs). The model's audio reaches the caller paced; the model's
 * server VAD hearing the caller over it is a barge-in (our queue dropped,
 * `barge_in` sent, the response cancelled); its end_call function call ends
 * the session with string output variables.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createOpenAiRealtime } from '../../src/voicebot/speech/index.js';
import { startFakeRealtime } from '../helpers/fake-realtime.js';
import { startHarness, type Harness } from './harness.js';

const KEY = 'sk-realtime-test-0123456789abcdef';
/** µ-law 0x00 is full scale: loud enough for any energy VAD. */
const LOUD = 0x00;
let h: Harness | undefined;
let fake: Awaited<ReturnType<typeof startFakeRealtime>> | undefined;

afterEach(async () => {
  await h?.stop();
  await fake?.close();
  h = undefined;
  fake = undefined;
});

describe('speech-to-speech connector (OpenAI-Realtime-compatible)', () => {
  it('plays the model’s answer, barges in when the caller talks over it, and ends on its end_call with output variables', async () => {
    fake = await startFakeRealtime({
      apiKey: KEY,
      chunks: 20,
      script: [
        { heard: 'what are your opening hours', audio: new Uint8Array(40_000).fill(0x11), text: 'We are open from nine to five.' },
        { heard: 'goodbye', call: { name: 'end_call', arguments: JSON.stringify({ summary: 'asked for hours', outputVariables: { resolved: true } }) } },
      ],
    });
    const url = fake.url;
    h = await startHarness(
      { bot: undefined, realtime: { engine: 'openai-realtime', url, apiKey: KEY } },
      true,
      {},
      (f) => ({ ...f, realtime: (cfg) => createOpenAiRealtime(cfg) }),
    );
    const c = h.client();
    await c.connect();
    c.open();
    await c.waitFor('opened');
    await c.until(() => fake!.connections[0]?.session, 5000, 'session.update at the model');
    // The caller speaks, then is silent: the model's VAD ends the turn and it answers.
    for (let i = 0; i < 3; i++) c.audio(1600, LOUD);
    for (let i = 0; i < 3; i++) c.audio(1600);
    // Deltas advance with the caller's audio (the fake streams as audio arrives): keep the line open.
    await c.until(() => {
      c.audio(160);
      return c.audios().some((a) => a[0] === 0x11);
    }, 5000, 'the model’s audio');
    // The caller talks over it: speech_started at the model → barge-in here.
    for (let i = 0; i < 3; i++) c.audio(1600, LOUD);
    const bargeIn = await c.until(() => c.texts('event').find((e) => JSON.stringify(e.parameters).includes('barge_in')), 5000, 'barge_in');
    expect(bargeIn.parameters).toEqual({ entities: [{ type: 'barge_in', data: {} }] });
    await c.until(() => fake!.connections[0]!.events.some((e) => e.type === 'response.cancel'), 5000, 'response.cancel at the model');
    // Less than the whole answer reached the caller: the rest was dropped.
    const heard = c.audios().filter((a) => a[0] === 0x11).reduce((n, a) => n + a.length, 0);
    expect(heard).toBeLessThan(40_000);
    c.send('playback_completed', {});
    // The caller finishes ("goodbye"), the model calls end_call.
    for (let i = 0; i < 3; i++) c.audio(1600);
    const d = await c.until(() => {
      c.audio(160);
      return c.texts('disconnect')[0];
    }, 8000, 'disconnect');
    expect(d.parameters).toEqual({ reason: 'completed', outputVariables: { action: 'end', resolved: 'true', summary: 'asked for hours' } });
  }, 30_000);
});
