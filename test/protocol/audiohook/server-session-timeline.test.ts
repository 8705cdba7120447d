/**
 * The timeline bound (README "Security": `discarded`/`resumed.discarded` may
 * not take the timeline beyond the session's wall-clock time plus a
 * tolerance) against a held session: while paused the position follows the
 * client's own `position`, and `resumed.discarded` covers that same span, so
 * the two must not be added up.
 */
import { describe, expect, it } from 'vitest';
import { NS_PER_SECOND, ServerSession, type Effect, type OpenParameters } from '../../../src/protocol/audiohook/index.js';

const SESSION = '6f6e7f4e-6c8f-4f10-9e3f-3f0f5c1b2a11';
const OPEN: OpenParameters = {
  organizationId: 'd7934305-0972-4844-938e-9060eef73d05',
  conversationId: '0b9d5a55-3c1f-4d6e-9a51-2d0c1f0e7c11',
  participant: { id: '4b0b0a55-3c1f-4d6e-9a51-2d0c1f0e7c22', ani: '', aniName: '', dnis: '' },
  media: [{ type: 'audio', format: 'PCMU', channels: ['external', 'internal'], rate: 8000 }],
};

function heldSession() {
  let nowNs = 0;
  let seq = 0;
  const s = new ServerSession({ sessionId: SESSION, decideOpen: () => ({ type: 'accept', startPaused: true }), now: () => nowNs });
  const send = (type: string, position: string, parameters: unknown = {}): Effect[] =>
    s.handleText(JSON.stringify({ version: '2', id: SESSION, type, seq: ++seq, serverseq: 0, position, parameters }));
  send('open', 'PT0S', OPEN);
  send('paused', 'PT0S');
  return { s, send, at: (seconds: number) => (nowNs = seconds * NS_PER_SECOND) };
}

const violation = (effects: Effect[]) => effects.find((e) => e.kind === 'protocolError');

describe('resumed after a long hold', () => {
  it('accepts a discarded span the client already reported through its paused positions', () => {
    const { s, send, at } = heldSession();
    at(8);
    send('ping', 'PT8S');
    const effects = [...s.resume(), ...send('resumed', 'PT8S', { start: 'PT0S', discarded: 'PT8S' })];
    expect(violation(effects)).toBeUndefined();
    expect(s.position).toBe(8 * NS_PER_SECOND);
  });

  it('still refuses a discarded span beyond the wall clock', () => {
    const { s, send, at } = heldSession();
    at(8);
    send('ping', 'PT8S');
    s.resume();
    expect(violation(send('resumed', 'PT8S', { start: 'PT0S', discarded: 'PT20S' }))).toBeDefined();
  });
});
