/**
 * Issue 12 end to end: the Genesys emulator routes calls through Architect's
 * Call Audio Connector to Hookline's AudioConnector endpoint, which runs the
 * offline engines for real (pocketsphinx keyword mode, espeak-ng) around the
 * demo bot, or HTTP bots that are down or slow. What the emulator records is
 * what Genesys would see: paced audio (429s counted), barge-in timing, the
 * recognized turns, and the disconnect with its output variables.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BotCallEntry } from '../../src/emulator/botcall/entry.js';
import { createGenesysClient } from '../../src/genesys/index.js';
import { DEMO_GREETING } from '../../src/voicebot/index.js';
import { until } from '../helpers/server.js';
import { startStack, type Stack } from '../helpers/stack.js';

const CALLER_PHRASES = JSON.parse(readFileSync(new URL('../../fixtures/speech/caller/manifest.json', import.meta.url), 'utf8')) as { name: string; text: string }[];

let s: Stack;
let slowBot: Server;
let chattyBot: Server;
/** Requests the slow bot holds; released when the test ends. */
const held: Array<() => void> = [];

const BOT_MS = 2000;
/** The call's IVR segment, where the bot leg runs; long enough for any script here. */
const IVR_MS = 60_000;

async function listen(server: Server): Promise<number> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
}

/** An HTTP bot (generic adapter) that answers only after 30 s, far beyond the connector's bot budget. */
function slowServer(): Server {
  return createServer((req, res) => {
    req.resume();
    const timer = setTimeout(() => res.end(JSON.stringify({ replies: ['too late'] })), 30_000);
    held.push(() => {
      clearTimeout(timer);
      res.destroy();
    });
  });
}

/** Bot output patterns that tempt a server into bursts: many short utterances, one long one, a mix. */
const PATTERNS: Record<string, string[]> = {
  short: ['One.', 'Two.', 'Three.', 'Four.', 'Five.', 'Six.', 'Seven.', 'Eight.', 'Nine.', 'Ten.', 'Eleven.', 'Twelve.'],
  long: ['This is one long answer, spoken without a pause for breath, that goes on for several seconds so that a server which sends audio as fast as it can would send it all at once, and a server which paces it sends it a little at a time.'],
  mixed: ['Hello.', 'Your order left our warehouse this morning and should arrive within three working days.', 'Okay.', 'Bye.'],
};

/** A generic HTTP bot that greets with one of the patterns (chosen by the caller's input variable) and ends. */
function chattyServer(): Server {
  return createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const turn = JSON.parse(body) as { inputVariables?: Record<string, string> };
      const replies = PATTERNS[turn.inputVariables?.pattern ?? 'short'] ?? [];
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ replies, action: 'end', outputVariables: { pattern: turn.inputVariables?.pattern ?? '' } }));
    });
  });
}

/** An unused port: nothing listens there (a bot that is down). */
async function closedPort(): Promise<number> {
  const server = createServer();
  const port = await listen(server);
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

beforeAll(async () => {
  slowBot = slowServer();
  const slowPort = await listen(slowBot);
  chattyBot = chattyServer();
  const chattyPort = await listen(chattyBot);
  const downPort = await closedPort();
  s = await startStack({
    agents: 2,
    monitored: 1,
    receiver: false,
    // Room for the 50 concurrent calls below (the per-tenant default is 25).
    server: { voicebot: { maxSessionsPerTenant: 60 } },
    tenant: {
      voicebot: {
        bots: [
          { name: 'demo', type: 'demo' },
          { name: 'slow', type: 'http', url: `http://127.0.0.1:${slowPort}/bot` },
          { name: 'down', type: 'http', url: `http://127.0.0.1:${downPort}/bot` },
          { name: 'chatty', type: 'http', url: `http://127.0.0.1:${chattyPort}/bot` },
        ],
        connectors: [
          { id: 'demo', bot: 'demo' },
          { id: 'slow', bot: 'slow', asr: { engine: 'none' }, timeouts: { botMs: BOT_MS } },
          { id: 'down', bot: 'down', asr: { engine: 'none' } },
          { id: 'chatty', bot: 'chatty', asr: { engine: 'none' } },
        ],
      },
    },
  });
  // Installed the way the install wizard does: through the Platform API, with the tenant's own client.
  const tenant = (await s.t.server.tenants.all()).find((t) => t.orgId === s.orgId);
  const genesys = createGenesysClient(tenant!.genesys!);
  const base = `${s.t.server.url.replace('http', 'ws')}/api/v1/audioconnector/`;
  const integration = await genesys.integrations.installAudioConnector({ name: 'Hookline bots', baseConnectionUri: base, apiKey: s.apiKey, clientSecret: s.secret });
  await until(async () => (await s.control.integration(s.orgId, integration.id)).reportedState === 'ACTIVE', 15_000, 'the audio-connector integration to pass its probe');
}, 90_000);

afterAll(async () => {
  for (const release of held) release();
  await s?.stop();
  await new Promise<void>((r) => slowBot?.close(() => r()));
  await new Promise<void>((r) => chattyBot?.close(() => r()));
});

async function botCall(connectorId: string, script: unknown[], inputVariables: Record<string, string> = {}): Promise<BotCallEntry> {
  const call = await s.control.startCall(s.orgId, {
    durations: { ivrMs: IVR_MS, queueMs: 500, alertMs: 500, talkMs: 1000, acwMs: 500 },
    bot: { connectorId, inputVariables, script },
  } as never);
  return until(async () => {
    const [e] = await s.control.botCallLog({ conversationId: call.conversationId });
    return e?.endedAt !== undefined ? e : undefined;
  }, 60_000, `the bot call through ${connectorId} to end`);
}

/** A caller fixture's known text as a recognizer spells it: lower case, no punctuation. */
function fixtureText(name: string): string {
  const entry = CALLER_PHRASES.find((p) => p.name === name);
  if (!entry) throw new Error(`no caller phrase ${name}`);
  return entry.text.toLowerCase().replace(/[^a-z' ]+/g, '').trim();
}

/** Seconds of µ-law audio. */
const seconds = (bytes: number): number => bytes / 8000;

describe('voice-bot bridge against the emulator', () => {
  it('caller phrase → keyword ASR → demo bot → espeak-ng audio, paced without a 429, ending with output variables', async () => {
    const e = await botCall('demo', [{ say: 'opening-hours' }, { say: 'goodbye' }], { customerTier: 'gold' });
    expect(e).toMatchObject({ result: 'completed', closeReason: 'disconnect', rateLimited: 0, protocolErrors: [], step: 2 });
    // The recognizer heard exactly the fixtures' known text (keyword mode, from the demo bot's phrases).
    expect(e.turnResponses.map((t) => t.text)).toEqual([fixtureText('opening-hours'), fixtureText('goodbye')]);
    expect(e.turnResponses.every((t) => t.disposition === 'match')).toBe(true);
    // Greeting, hours and goodbye were heard: several seconds of bot audio, played out in real time.
    expect(seconds(e.receivedBytes)).toBeGreaterThan(8);
    expect(e.playbacks.length).toBeGreaterThanOrEqual(3);
    expect(e.disconnect).toEqual({ reason: 'completed', outputVariables: { action: 'end', intent: 'goodbye', resolved: 'true' } });
  }, 90_000);

  it('DTMF reaches the bot; asking for an agent hands over with output variables', async () => {
    const e = await botCall('demo', [{ say: 'order-status' }, { dtmf: '1234#' }, { say: 'talk-to-agent', when: 'after-bot' }]);
    expect(e).toMatchObject({ result: 'completed', rateLimited: 0, dtmfSent: '1234#', protocolErrors: [] });
    expect(e.turnResponses.map((t) => t.text)).toEqual([fixtureText('order-status'), fixtureText('talk-to-agent')]);
    expect(e.disconnect).toEqual({ reason: 'completed', outputVariables: { action: 'handover', intent: 'agent' } });
  }, 90_000);

  it('barge-in: the caller speaking over the greeting stops our audio within 200 ms of the speech onset', async () => {
    const e = await botCall('demo', [{ say: 'talk-to-agent', bargeIn: true, afterMs: 1000 }]);
    expect(e.bargeInCount).toBe(1);
    const b = e.bargeIns[0]!;
    expect(b.bytesFlushed).toBeGreaterThan(0);
    expect(b.latencyMs).toBeDefined();
    expect(b.latencyMs!).toBeLessThanOrEqual(200);
    // The greeting was cut short: far less of it was played than was synthesized.
    expect(e.playbacks[0]!.bytesPlayed).toBeLessThan(DEMO_GREETING.length * 600);
    expect(e.disconnect?.outputVariables).toEqual({ action: 'handover', intent: 'agent' });
  }, 90_000);

  it('a bot that is down gets the spoken fallback and a hand-over, never a hung call', async () => {
    const e = await botCall('down', []);
    expect(e).toMatchObject({ result: 'completed', rateLimited: 0 });
    expect(seconds(e.receivedBytes)).toBeGreaterThan(1);
    expect(e.disconnect).toEqual({ reason: 'completed', outputVariables: { action: 'handover', reason: 'bot-unavailable' } });
  }, 60_000);

  it('a bot that answers in 30 s is abandoned after the bot budget: fallback, then hand-over', async () => {
    const started = Date.now();
    const e = await botCall('slow', []);
    expect(e.disconnect).toEqual({ reason: 'completed', outputVariables: { action: 'handover', reason: 'bot-timeout' } });
    expect(seconds(e.receivedBytes)).toBeGreaterThan(1);
    // Ended long before the bot would have answered (budget 2 s + the fallback's playout).
    expect(Date.now() - started).toBeLessThan(20_000);
  }, 60_000);

  it('50 concurrent calls of varied bot output (many short utterances, one long one, a mix) get no 429 from Genesys', async () => {
    const names = Object.keys(PATTERNS);
    const entries = await Promise.all(Array.from({ length: 50 }, (_, i) => botCall('chatty', [], { pattern: names[i % names.length]! })));
    for (const e of entries) {
      expect(e).toMatchObject({ result: 'completed', rateLimited: 0, protocolErrors: [] });
      expect(e.disconnect).toEqual({ reason: 'completed', outputVariables: { action: 'end', pattern: e.inputVariables.pattern } });
      expect(e.receivedMessages).toBeGreaterThan(0);
    }
    // The emulator enforced the limit on every message: the calls did send audio, all of it accepted.
    expect(entries.reduce((n, e) => n + e.receivedBytes, 0)).toBeGreaterThan(50 * 8000);
  }, 120_000);

  it('refuses a connection signed with the wrong secret: the integration fails its probe', async () => {
    const [bad] = await s.control.addIntegrations(s.orgId, [
      { type: 'audio-connector', connectionUri: `${s.t.server.url.replace('http', 'ws')}/api/v1/audioconnector/`, apiKey: s.apiKey, clientSecret: randomBytes(32).toString('base64'), name: 'wrong secret', enabled: true, probe: true },
    ]);
    const state = await until(async () => {
      const st = await s.control.integration(s.orgId, bad!.id);
      return st.reportedState === 'ERROR' ? st : undefined;
    }, 15_000, 'the probe with a wrong secret to fail');
    expect(state.reportedState).toBe('ERROR');
  }, 30_000);
});
