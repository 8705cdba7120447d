/**
 * Issue 14 item 3 end to end: a tenant with guidance rules and a webhook; the
 * emulator places a call whose AudioHook audio is the cancel-call fixture
 * (a 7.48 s silence from 12.52 s, overtalk from 27.0 s: fixtures/analysis/
 * truth.json), `hookline serve` analyses it live (acoustic rules, and the
 * phrase "cancel my contract" through the default offline engine, pocketsphinx
 * keyword spotting), and each rule's `guidance.triggered` event reaches the
 * webhook within 1 s of the audio at the evidence's end having been sent (the
 * phrase's end for the phrase rule: the recognizer ends its utterance at the
 * customer's pause after "… today.", docs/guidance.md "Latency").
 *
 * "Sent" is measured from the emulator's clock (speed 1): the dialler sends
 * audio once the virtual clock has reached it, never before, so the wall time
 * at which the clock reached the evidence's end is a lower bound of when that
 * audio left, and receipt minus it is an upper bound of the delay.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommonEvent } from '../../src/conversations/index.js';
import { until } from '../helpers/server.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { HAVE_POCKETSPHINX, warnSkip } from '../voicebot/speech/helpers.js';
import { startReceiver, verify, type TestReceiver } from '../webhooks/receiver.js';

warnSkip('pocketsphinx (the phrase rule part)', HAVE_POCKETSPHINX);

const SECRET = `whsec_${randomBytes(32).toString('base64')}`;
const RULES = [
  { name: 'long-silence', kind: 'silence', minSeconds: 5 },
  { name: 'overtalk', kind: 'overtalk', minSeconds: 1.5 },
  // Phrase spotting needs the offline engine (Debian pocketsphinx, pocketsphinx-en-us).
  ...(HAVE_POCKETSPHINX ? [{ name: 'churn', kind: 'phrase', phrases: ['cancel my contract'], party: 'customer' }] : []),
];
const FIRING = [...(HAVE_POCKETSPHINX ? ['churn'] : []), 'long-silence', 'overtalk'];
/** The bound, from the end of the evidence to the notification. */
const WITHIN_MS = 1000;

let s: Stack;
let hook: TestReceiver;
let conversationId: string | undefined;

beforeAll(async () => {
  hook = await startReceiver();
  s = await startStack({
    receiver: false,
    tenant: {
      guidance: { rules: RULES },
      webhooks: [{ name: 'guidance', url: hook.url, events: ['guidance.*'], secret: SECRET }],
    },
  });
});
afterAll(async () => {
  await s?.stop();
  await hook?.close();
});

type Guidance = Extract<CommonEvent, { type: 'guidance.triggered' }>;

describe('guidance end to end', () => {
  it('each rule fires once on the cancel call; every webhook arrives within 1 s of the evidence ending', async () => {
    await s.tracking();
    const agent = s.agents[0] as { id: string; name: string };
    const call = await s.control.startCall(s.orgId, {
      agentIds: [agent.id],
      queueId: s.queueId,
      durations: { ivrMs: 500, queueMs: 500, alertMs: 500, talkMs: 46_000, acwMs: 1000 },
      audio: { fixture: 'cancel-call' },
      dialOut: { openAt: 'agent-connected' },
    });
    conversationId = call.conversationId;
    // Where the stream's position 0 is on the emulator's clock, and that clock against the wall (speed 1).
    const session = await until(async () => (await s.control.audioHookLog({ conversationId: call.conversationId, kind: 'call' }))[0], 15_000, 'the AudioHook session');
    const wallBefore = Date.now();
    const clock = await s.control.clock();
    expect(clock.speed).toBe(1);
    const streamStart = call.startMs + session.startSample / 8;
    // Taken at the earliest moment the clock could have been read: a later real reading only shortens the delay.
    const sentBy = (streamMs: number) => wallBefore + (streamStart + streamMs - clock.now);

    const received = () =>
      hook.requests.map((r) => ({ at: r.at, event: JSON.parse(r.body) as Guidance, verified: verify(SECRET, r, r.at) }));
    const got = await until(() => {
      const all = received();
      return FIRING.every((rule) => all.some((x) => x.event.rule === rule)) ? all : undefined;
    }, 60_000, 'every rule\'s webhook');

    const silence = got.find((x) => x.event.rule === 'long-silence') as (typeof got)[number];
    expect(silence.event).toMatchObject({ type: 'guidance.triggered', tenant: s.orgId, conversationId: call.conversationId, kind: 'silence', source: 'live', agent: { userId: agent.id } });
    expect(Math.abs(silence.event.startMs - 12_520)).toBeLessThanOrEqual(100);
    expect(Math.abs(silence.event.endMs - 17_520)).toBeLessThanOrEqual(100);
    const overtalk = got.find((x) => x.event.rule === 'overtalk') as (typeof got)[number];
    expect(overtalk.event).toMatchObject({ kind: 'overtalk', source: 'live' });
    expect(Math.abs(overtalk.event.endMs - 28_500)).toBeLessThanOrEqual(150);

    const churn = got.find((x) => x.event.rule === 'churn');
    if (churn) {
      expect(churn.event).toMatchObject({ kind: 'phrase', party: 'customer', evidence: { phrase: 'cancel my contract' }, agent: { userId: agent.id } });
      expect(Math.abs(churn.event.startMs - 27_320)).toBeLessThanOrEqual(150);
      expect(Math.abs(churn.event.endMs - 28_610)).toBeLessThanOrEqual(150);
      const phraseDelay = churn.at - sentBy(churn.event.endMs);
      expect(phraseDelay, `churn: ${phraseDelay.toFixed(0)} ms from the phrase's end to the webhook`).toBeLessThan(WITHIN_MS);
    }

    for (const x of [silence, overtalk, ...(churn ? [churn] : [])]) {
      const delay = x.at - sentBy(x.event.endMs);
      console.log(`${x.event.rule}: ${delay.toFixed(0)} ms from the evidence's end to the webhook`);
      expect(delay, `${x.event.rule}: ${delay.toFixed(0)} ms from the evidence's end to the webhook`).toBeLessThan(WITHIN_MS);
      expect(delay).toBeGreaterThan(0);
    }
    // Once each: no second delivery of the same firing, no other rule fired.
    expect(received().map((x) => x.event.rule).sort()).toEqual(FIRING);
  }, 120_000);

  it('the post-call analysis of the imported recording equals the live analysis within 150 ms, and finds the same rules', async () => {
    if (!conversationId) throw new Error('needs the live call of the test before');
    const id = conversationId;
    // The call ends, is imported, and its recording analysed; the live session's summary was kept at its end.
    const a = await until(async () => {
      const r = await s.t.server.analysis.store.get(s.orgId, id);
      return r?.comparison ? r : undefined;
    }, 120_000, 'the post-call analysis with its live comparison');
    expect(a.status).toBe('done');
    const c = a.comparison as { liveSessions: number; metrics: Record<string, { delta: number } | Record<string, { delta: number }>>; findings: { alignmentMs: number; matched: number; liveOnly: unknown[]; postCallOnly: unknown[] } };
    expect(c.liveSessions).toBe(1);
    const talk = c.metrics.talkMs as Record<string, { delta: number }>;
    for (const party of ['customer', 'agent']) expect(Math.abs(talk[party]?.delta ?? Infinity), `${party} talk`).toBeLessThanOrEqual(150);
    for (const m of ['overtalkMs', 'longestSilenceMs']) expect(Math.abs((c.metrics[m] as { delta: number }).delta), m).toBeLessThanOrEqual(150);
    // The recording starts before the AudioHook stream (the emulator records from the customer's connect): the
    // comparison finds that lag from the findings themselves, and then every live finding has its post-call twin.
    expect(c.findings).toMatchObject({ matched: FIRING.length, liveOnly: [], postCallOnly: [] });
    expect(c.findings.alignmentMs).toBeGreaterThan(0);
    expect(a.analysis.findings.map((f) => f.rule).sort()).toEqual(FIRING);
  }, 150_000);
});
