/**
 * The AudioConnector endpoint under an authenticated but hostile client (test/voicebot/harness.ts: real
 * sockets on 127.0.0.1, fake bot and engines that count what they would start): calls beyond the session
 * bounds are refused in their open transaction, and a call cannot make us restart its recognizer (a new
 * process each time with pocketsphinx) without bound.
 */
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/platform/logging/index.js';
import { MAX_ASR_RESTARTS } from '../../src/voicebot/session.js';
import { startHarness, type Harness, type TestClient } from '../voicebot/harness.js';

let h: Harness;
afterEach(async () => {
  await h?.stop();
});

async function refusedCount(limit: string): Promise<number> {
  const line = (await h.registry.metrics()).split('\n').find((l) => l.startsWith(`hookline_voicebot_sessions_refused_total{limit="${limit}"} `));
  return line ? Number(line.split(' ')[1]) : 0;
}

async function call(c: TestClient): Promise<void> {
  await c.connect();
  c.open();
  await c.until(() => c.texts('opened')[0] ?? c.texts('disconnect')[0], 5000, 'opened or disconnect');
}

async function hangUp(c: TestClient): Promise<void> {
  c.send('close', { reason: 'end' });
  await c.waitFor('closed');
}

describe('AudioConnector session bounds', () => {
  it('refuses a call over the per-tenant bound with disconnect error in its open transaction, counted; probes still pass; a freed slot is reused', async () => {
    h = await startHarness({}, true, { limits: { maxSessions: 10, maxSessionsPerTenant: 1 } });
    const first = h.client();
    await call(first);
    expect(first.texts('opened')).toHaveLength(1);

    const second = h.client();
    await call(second);
    expect(second.texts('opened')).toEqual([]);
    expect(second.texts('disconnect')[0]?.parameters).toEqual({ reason: 'error', info: expect.stringMatching(/Too many voice bot sessions for this organization/) });
    expect(h.fakes.opened).toHaveLength(1); // no bot (nor engines) for the refused call
    expect(await refusedCount('tenant')).toBe(1);
    expect(await refusedCount('process')).toBe(0);

    const probe = h.client('my-bot', { probe: true });
    await call(probe);
    expect(probe.texts('opened')).toHaveLength(1);

    await hangUp(first);
    await second.waitFor('closed');
    await first.until(() => h.endpoint.sessionCount <= 1, 5000, 'the first call to end');
    const third = h.client();
    await call(third);
    expect(third.texts('opened')).toHaveLength(1);
  });

  it('refuses a call over the per-replica bound, whatever the tenant bound says', async () => {
    h = await startHarness({}, true, { limits: { maxSessions: 1, maxSessionsPerTenant: 5 } });
    const first = h.client();
    await call(first);
    const second = h.client();
    await call(second);
    expect(first.texts('opened')).toHaveLength(1);
    expect(second.texts('disconnect')[0]?.parameters).toEqual({ reason: 'error', info: expect.stringMatching(/Too many voice bot sessions on this server/) });
    expect(await refusedCount('process')).toBe(1);
  });
});

describe('AudioConnector recognizer restarts', () => {
  it('a call flipping its language restarts the recognizer at most MAX_ASR_RESTARTS times (each would be a new process)', async () => {
    h = await startHarness();
    const c = h.client();
    await call(c);
    await c.until(() => h.fakes.asrLive === 1, 2000, 'the recognizer');
    const flips = MAX_ASR_RESTARTS + 12;
    for (let i = 1; i <= flips; i++) {
      c.send('update', { language: i % 2 ? 'fr-FR' : 'de-DE' });
      await c.until(() => c.texts('updated').length === i, 2000, `updated #${i}`);
    }
    // A ping answered after the last update: every restart it could cause has started.
    c.send('ping', {});
    await c.waitFor('pong');
    expect(h.fakes.asrConnects).toBe(1 + MAX_ASR_RESTARTS);
    expect(h.fakes.asrLive).toBe(1);
    expect(await h.metric('hookline_voicebot_asr_reconnects_refused_total')).toBe(flips - MAX_ASR_RESTARTS);
  });
});

describe('AudioConnector logs under bad messages', () => {
  it('a call sending a burst of unparsable messages logs at most 10 protocol errors', async () => {
    const lines: Array<{ msg: string }> = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l) as { msg: string });
        done();
      },
    });
    h = await startHarness({}, true, { log: createLogger({ level: 'info' }, sink) });
    const c = h.client();
    await call(c);
    // Sent at once: after our disconnect the core still reports each unparsable message as a protocol error.
    for (let i = 0; i < 50; i++) c.ws!.send(`{not json ${i}`);
    await c.waitFor('disconnect');
    c.send('ping', {});
    await c.until(() => c.texts('closed')[0], 5000, 'closed');
    const errors = lines.filter((l) => l.msg === 'AudioConnector protocol error');
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.length).toBeLessThanOrEqual(10);
  });
});
