/**
 * Property tests of the pure server core: random and hostile input never
 * throws, and whatever it sends is a valid, gap-free, correctly sequenced
 * envelope stream; a paired client core sees no violations and both cores
 * agree on the timeline.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ClientSession,
  NS_PER_SECOND,
  ServerSession,
  type Effect,
  type OpenParameters,
} from '../../../src/protocol/audiohook/index.js';

const SESSION = '6f6e7f4e-6c8f-4f10-9e3f-3f0f5c1b2a11';
const OPEN: OpenParameters = {
  organizationId: 'd7934305-0972-4844-938e-9060eef73d05',
  conversationId: randomUUID(),
  participant: { id: randomUUID(), ani: '', aniName: '', dnis: '' },
  media: [{ type: 'audio', format: 'PCMU', channels: ['external', 'internal'], rate: 8000 }],
};

const msg = (type: string, seq: number, parameters: unknown = {}, over: Record<string, unknown> = {}) =>
  JSON.stringify({ version: '2', id: SESSION, type, seq, serverseq: 0, position: 'PT0S', parameters, ...over });

type Input = { text: string } | { binary: number } | { server: 'pause' | 'resume' | 'disconnect' | 'event' } | { drop: true };

const seqArb = fc.integer({ min: -1, max: 12 });
const textArb: fc.Arbitrary<string> = fc.oneof(
  fc.record({ seq: seqArb }).map(({ seq }) => msg('open', seq, OPEN)),
  fc.record({ seq: seqArb, r: fc.constantFrom('end', 'error', 'disconnect', 'reconnect', 42) }).map(({ seq, r }) => msg('close', seq, { reason: r })),
  fc.record({ seq: seqArb, rtt: fc.option(fc.constantFrom('PT0.01S', 'bogus')) }).map(({ seq, rtt }) => msg('ping', seq, rtt ? { rtt } : {})),
  seqArb.map((seq) => msg('paused', seq)),
  fc.record({ seq: seqArb, d: fc.constantFrom('PT0S', 'PT1.5S', 'nope') }).map(({ seq, d }) => msg('resumed', seq, { start: 'PT0S', discarded: d })),
  fc.record({ seq: seqArb }).map(({ seq }) => msg('discarded', seq, { start: 'PT0S', discarded: 'PT0.2S' })),
  seqArb.map((seq) => msg('update', seq, { language: 'en-US' })),
  seqArb.map((seq) => msg('error', seq, { code: 429, message: 'slow down' })),
  seqArb.map((seq) => msg('mystery', seq)),
  seqArb.map((seq) => msg('ping', seq, {}, { serverseq: 99 })),
  seqArb.map((seq) => msg('ping', seq, {}, { id: randomUUID() })),
  seqArb.map((seq) => msg('ping', seq, undefined)),
  fc.constantFrom('', 'null', '[]', '{"version":"2"}', 'not json', '{'.repeat(50)),
  fc.string({ maxLength: 40 }),
);
const inputArb: fc.Arbitrary<Input> = fc.oneof(
  { weight: 5, arbitrary: textArb.map((text) => ({ text })) },
  { weight: 3, arbitrary: fc.integer({ min: 0, max: 700 }).map((binary) => ({ binary })) },
  { weight: 1, arbitrary: fc.constantFrom('pause', 'resume', 'disconnect', 'event').map((server) => ({ server }) as Input) },
  { weight: 1, arbitrary: fc.constant({ drop: true } as Input) },
);

function drive(inputs: Input[], decide: 'accept' | 'hold' | 'reject' | 'defer'): Effect[] {
  const s = new ServerSession({
    sessionId: SESSION,
    decideOpen: () =>
      decide === 'accept' ? { type: 'accept' } : decide === 'hold' ? { type: 'accept', startPaused: true } : decide === 'reject' ? { type: 'reject', reason: 'unauthorized' } : { type: 'defer' },
  });
  const out: Effect[] = [];
  for (const i of inputs) {
    if ('text' in i) out.push(...s.handleText(i.text));
    else if ('binary' in i) out.push(...s.handleBinary(new Uint8Array(i.binary)));
    else if ('drop' in i) out.push(...s.handleSocketClosed());
    else if (i.server === 'pause') out.push(...s.pause());
    else if (i.server === 'resume') out.push(...s.resume());
    else if (i.server === 'event') out.push(...s.sendEvent([{ type: 'transcript', data: {} }]));
    else out.push(...s.disconnect('completed'));
  }
  return out;
}

describe('server core properties', () => {
  it('never throws, and every message it sends is a valid, sequenced envelope', () => {
    fc.assert(
      fc.property(fc.array(inputArb, { maxLength: 40 }), fc.constantFrom('accept', 'hold', 'reject', 'defer'), (inputs, decide) => {
        const effects = drive(inputs, decide as 'accept');
        const sent = effects.filter((e): e is Extract<Effect, { kind: 'send' }> => e.kind === 'send').map((e) => JSON.parse(e.text));
        let lastClientseq = 0;
        sent.forEach((m, i) => {
          expect(m.version).toBe('2');
          expect(m.id).toBe(SESSION);
          expect(m.seq).toBe(i + 1);
          expect(typeof m.parameters).toBe('object');
          expect(m.parameters).not.toBeNull();
          expect(Number.isInteger(m.clientseq)).toBe(true);
          expect(m.clientseq).toBeGreaterThanOrEqual(lastClientseq);
          lastClientseq = m.clientseq;
        });
        expect(sent.filter((m) => m.type === 'opened').length).toBeLessThanOrEqual(1);
        expect(sent.filter((m) => m.type === 'closed').length).toBeLessThanOrEqual(1);
        expect(sent.filter((m) => m.type === 'disconnect').length).toBeLessThanOrEqual(1);
        const closedAt = sent.findIndex((m) => m.type === 'closed');
        if (closedAt >= 0) expect(sent.slice(closedAt + 1).every((m) => m.type === 'pong' || m.type === 'updated')).toBe(true);
        expect(effects.filter((e) => e.kind === 'finalized').length).toBeLessThanOrEqual(1);
      }),
      { numRuns: 2000 },
    );
  });

  it('answers every valid ping with a pong carrying its seq, in every state', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('ping', 'paused', 'resumed', 'update', 'audio'), { maxLength: 30 }), fc.boolean(), (steps, hold) => {
        const s = new ServerSession({ sessionId: SESSION, decideOpen: () => ({ type: 'accept', startPaused: hold }) });
        let seq = 1;
        s.handleText(msg('open', seq));
        for (const step of steps) {
          if (step === 'audio') {
            s.handleBinary(new Uint8Array(320));
            continue;
          }
          seq++;
          const params = step === 'resumed' ? { start: 'PT0S', discarded: 'PT0S' } : {};
          const out = s.handleText(JSON.stringify({ version: '2', id: SESSION, type: step, seq, serverseq: s.seq, position: 'PT0S', parameters: params }));
          if (step === 'ping') {
            const pong = out.find((e) => e.kind === 'send' && e.type === 'pong');
            expect(pong).toBeDefined();
            expect(JSON.parse((pong as { text: string }).text).clientseq).toBe(seq);
          }
          expect(out.some((e) => e.kind === 'protocolError')).toBe(false);
        }
      }),
    );
  });
});

type ClientAction = { tick: number } | { hold: boolean } | { discard: number } | { ping: true } | { serverPause: boolean } | { update: true };

describe('client core ⇄ server core', () => {
  it('a conformant client and server never accuse each other and agree on the timeline', () => {
    const action: fc.Arbitrary<ClientAction> = fc.oneof(
      { weight: 6, arbitrary: fc.integer({ min: 1, max: 1600 }).map((samples) => ({ tick: samples })) },
      { weight: 1, arbitrary: fc.boolean().map((hold) => ({ hold })) },
      { weight: 1, arbitrary: fc.integer({ min: 1, max: 2 * NS_PER_SECOND }).map((discard) => ({ discard })) },
      { weight: 1, arbitrary: fc.constant({ ping: true } as ClientAction) },
      { weight: 1, arbitrary: fc.boolean().map((serverPause) => ({ serverPause })) },
      { weight: 1, arbitrary: fc.constant({ update: true } as ClientAction) },
    );
    fc.assert(
      fc.property(fc.array(action, { maxLength: 60 }), fc.boolean(), fc.integer({ min: 0, max: 3 }), (actions, startPaused, discardToS) => {
        let now = 0;
        const client = new ClientSession({ sessionId: SESSION, open: OPEN, now: () => now });
        const server = new ServerSession({
          sessionId: SESSION,
          decideOpen: () => ({ type: 'accept', startPaused, ...(discardToS ? { discardTo: discardToS * NS_PER_SECOND } : {}) }),
          // This property is about sequencing: the generated client is not paced by a clock, so the timeline bound is off here.
          timelineToleranceNs: Number.MAX_SAFE_INTEGER,
        });
        const serverEffects: Effect[] = [];
        const toServer = (effects: ReturnType<ClientSession['tick']>) => {
          for (const e of effects) {
            if (e.kind === 'send') toClient(server.handleText(e.text));
            else if (e.kind === 'binary') toClient(server.handleBinary(e.data));
          }
        };
        const toClient = (effects: Effect[]) => {
          serverEffects.push(...effects);
          for (const e of effects) if (e.kind === 'send') toServer(client.handleText(e.text));
        };
        toServer(client.start());
        if (startPaused) toClient(server.resume());
        for (const a of actions) {
          now += 5;
          if ('tick' in a) toServer(client.tick(new Uint8Array(a.tick * 2)));
          else if ('hold' in a) toServer(a.hold ? client.holdStart() : client.holdEnd());
          else if ('discard' in a) toServer(client.discard(a.discard));
          else if ('ping' in a) toServer(client.ping());
          else if ('update' in a) toServer(client.update({ language: 'fr-FR' }));
          else toClient(a.serverPause ? server.pause() : server.resume());
        }
        toServer(client.holdEnd());
        toClient(server.resume());
        toServer(client.tick(new Uint8Array(320)));
        toServer(client.close('end'));
        expect(client.protocolErrors).toEqual([]);
        expect(serverEffects.filter((e) => e.kind === 'protocolError')).toEqual([]);
        expect(serverEffects.filter((e) => e.kind === 'positionMismatch')).toEqual([]);
        expect(server.position).toBe(client.position);
        expect(client.state).toBe('closed');
      }),
      { numRuns: 5000 },
    );
  });
});
