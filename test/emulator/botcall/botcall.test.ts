/**
 * Bot calls through the running emulator: an audio-connector integration
 * created through the Platform API and activated by its connection probe (and
 * one a broken server fails), then a call routed through the bot in its IVR —
 * caller phrase, DTMF, the bot's `disconnect completed` with output variables
 * in the bot-call log, and the bot's audio readable back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator, SeededOrg } from '../../../src/emulator/index.js';
import { FakeAudioConnector } from '../../helpers/fake-audioconnector.js';
import { api, emulator, login, until, type Json } from '../helpers.js';

let emu: RunningEmulator;
let org: SeededOrg;
let good: FakeAudioConnector;
let bad: FakeAudioConnector;

beforeAll(async () => {
  good = await FakeAudioConnector.start();
  bad = await FakeAudioConnector.start();
  bad.onOpen = 'malformed';
  emu = await emulator({ speed: 0, seed: { orgs: [{ name: 'Bots', users: [{ name: 'Alice' }] }] } });
  org = emu.seeded[0] as SeededOrg;
});
afterAll(async () => {
  await emu.stop();
  await good.stop();
  await bad.stop();
});

async function createConnector(server: FakeAudioConnector): Promise<string> {
  const token = await login(org);
  const cred = (await api(org, token, 'POST', '/api/v2/integrations/credentials', { name: 'ac', type: 'audioConnector', credentialFields: { apiKey: server.apiKey, clientSecret: server.secret } })).body as Json;
  const i = (await api(org, token, 'POST', '/api/v2/integrations', { name: 'Voice bot', integrationType: { id: 'audio-connector' } })).body as Json;
  const cfg = (await api(org, token, 'GET', `/api/v2/integrations/${i.id}/config/current`)).body as Json;
  expect((await api(org, token, 'PUT', `/api/v2/integrations/${i.id}/config/current`, { ...cfg, properties: { baseConnectionUri: server.baseUri }, credentials: { audioConnector: { id: cred.id } } })).status).toBe(200);
  await api(org, token, 'PATCH', `/api/v2/integrations/${i.id}`, { intendedState: 'ENABLED' });
  return String(i.id);
}

const settledState = (id: string) =>
  until(async () => {
    const s = await emu.control.integration(org.orgId, id);
    return s.reportedState !== 'ACTIVATING' ? s : undefined;
  }, 5000, 'probe outcome');

describe('audio-connector integration', () => {
  it('a server answering the probe badly leaves the integration in ERROR with the reason', async () => {
    const id = await createConnector(bad);
    const state = await settledState(id);
    expect(state.reportedState).toBe('ERROR');
    expect(state.detail).toContain('Missing parameters on opened');
  });

  it('enabling it runs the connection probe (nil ids, PCMU mono external, open/opened, close/closed) and it becomes ACTIVE', async () => {
    const before = good.connections.length;
    const id = await createConnector(good);
    expect((await settledState(id)).reportedState).toBe('ACTIVE');
    const probe = good.connections[before];
    expect(probe?.verified).toMatchObject({ ok: true, signed: true });
    expect(probe?.url).toBe('/api/v1/audioconnector/');
    expect(probe?.of('open')[0]?.parameters).toMatchObject({ conversationId: '00000000-0000-0000-0000-000000000000', media: [{ format: 'PCMU', channels: ['external'], rate: 8000 }] });
    expect(probe?.order).toEqual(['open', 'close']);
    const [entry] = await emu.control.audioHookLog({ kind: 'probe', integrationId: id });
    expect(entry).toMatchObject({ result: 'completed', closeReason: 'end', framesSent: 0 });
  });
});

describe('audio-connector integration in a seed', () => {
  it('is stored with its base connection URI and audioConnector credential, and probed when asked', async () => {
    const before = good.connections.length;
    const { orgs } = await emu.control.seed({ orgs: [{ name: 'Seeded bots', integrations: [{ type: 'audio-connector', connectionUri: good.baseUri, apiKey: good.apiKey, clientSecret: good.secret, probe: true }] }] });
    const seeded = orgs[0] as SeededOrg;
    const id = seeded.integrations[0]?.id as string;
    expect(seeded.integrations[0]).toMatchObject({ type: 'audio-connector', connectionUri: good.baseUri });
    const state = await until(async () => {
      const s = await emu.control.integration(seeded.orgId, id);
      return s.reportedState !== 'ACTIVATING' ? s : undefined;
    }, 5000, 'probe outcome');
    expect(state.reportedState).toBe('ACTIVE');
    expect(good.connections[before]?.verified).toMatchObject({ ok: true, signed: true });
  });
});

describe('bot calls', () => {
  it('routes the caller through the bot: phrase after the greeting, DTMF, disconnect completed with output variables', async () => {
    const greeting = new Uint8Array(3200).fill(0x2a);
    const outputVariables = { intent: 'order_status', digits: '1#' };
    good.onOpened = (c) => c.audio(greeting);
    good.onMessage = (c, m) => {
      if (m.type === 'dtmf' && m.parameters.digit === '#') c.disconnect('completed', { outputVariables });
    };
    const before = good.connections.length;
    const call = await emu.control.startCall(org.orgId, {
      durations: { ivrMs: 60_000, queueMs: 1000, alertMs: 1000, talkMs: 5000, acwMs: 1000 },
      bot: { connectorId: 'order-bot?lang=en', inputVariables: { tier: 'gold' }, script: [{ say: 'order-status' }, { dtmf: '1#' }] },
    });
    const e = await until(async () => {
      const [x] = await emu.control.botCallLog({ conversationId: call.conversationId });
      return x?.endedAt !== undefined ? x : undefined;
    }, 10_000, 'bot call end');
    expect(e).toMatchObject({ kind: 'bot', result: 'completed', closeReason: 'disconnect', connectorId: 'order-bot?lang=en', inputVariables: { tier: 'gold' }, dtmfSent: '1#', step: 2, rateLimited: 0, receivedBytes: 3200, protocolErrors: [] });
    expect(e.disconnect).toEqual({ reason: 'completed', outputVariables });
    expect(e.playbacks).toEqual([expect.objectContaining({ bytesPlayed: 3200, bytesFlushed: 0 })]);
    const conn = good.connections[before];
    expect(conn?.url).toBe('/api/v1/audioconnector/order-bot?lang=en');
    expect(conn?.of('open')[0]?.parameters).toMatchObject({ conversationId: call.conversationId, inputVariables: { tier: 'gold' }, participant: { id: call.participants[0]?.participantId } });
    // The caller spoke only after the greeting had played out.
    expect(conn?.order.indexOf('playback_completed')).toBeLessThan(conn?.order.indexOf('dtmf') ?? -1);
    const phrase = (await emu.control.botCallAudio(e.sessionId));
    expect(Buffer.compare(Buffer.from(phrase), Buffer.from(greeting))).toBe(0);
    // The Platform API shows the call with the customer and the IVR the bot ran in.
    const token = await login(org);
    const conv = (await api(org, token, 'GET', `/api/v2/conversations/${call.conversationId}`)).body as { participants: { purpose: string }[] };
    expect(conv.participants.map((p) => p.purpose)).toEqual(expect.arrayContaining(['customer', 'ivr']));
    good.onOpened = undefined;
    good.onMessage = undefined;
  });

  it('a script naming an unknown phrase is refused, naming the step', async () => {
    await expect(emu.control.startCall(org.orgId, { bot: { connectorId: 'x', script: [{ dtmf: '1' }, { say: 'nonsense' }] } })).rejects.toThrow(/bot\.script\[1\]\.say: unknown caller phrase "nonsense"/);
  });
});
