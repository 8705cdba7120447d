/**
 * The pure client core in AudioConnector mode: server audio is bot audio
 * (a violation on a plain AudioHook session), dtmf/playback messages exist
 * only in this mode, and disconnect's outputVariables must be strings.
 */
import { describe, expect, it } from 'vitest';
import { ClientSession, type ClientEffect } from '../../../src/protocol/audiohook/index.js';

const ID = '0b0e7a4c-4d0b-4a5e-9a57-1a2b3c4d5e6f';
const MEDIA = { type: 'audio', format: 'PCMU', channels: ['external'], rate: 8000 } as const;

function opened(connector: boolean): ClientSession {
  const s = new ClientSession({ sessionId: ID, connector, now: () => 0, open: { organizationId: ID, conversationId: ID, participant: { id: ID, ani: '', aniName: '', dnis: '' }, media: [{ ...MEDIA, channels: ['external'] }] } });
  s.start();
  s.handleText(JSON.stringify({ version: '2', id: ID, type: 'opened', seq: 1, clientseq: 1, parameters: { media: [MEDIA] } }));
  return s;
}
const sent = (effects: ClientEffect[]) => effects.filter((e) => e.kind === 'send').map((e) => JSON.parse((e as { text: string }).text) as { type: string; parameters: unknown });

describe('client core, AudioConnector mode', () => {
  it('server binary is bot audio on a connector session, and a 415 violation on an AudioHook one', () => {
    const data = new Uint8Array([1, 2, 3]);
    expect(opened(true).handleBinary(data)).toEqual([{ kind: 'audio', data }]);
    const plain = opened(false).handleBinary(data);
    expect(plain[0]).toEqual({ kind: 'protocolError', info: 'Unexpected binary message' });
    expect(sent(plain).map((m) => m.type)).toEqual(['error', 'close']);
  });

  it('dtmf one digit per message; playback messages; refused on an AudioHook session', () => {
    const s = opened(true);
    expect(sent(s.dtmf('7'))).toEqual([expect.objectContaining({ type: 'dtmf', parameters: { digit: '7' } })]);
    expect(() => s.dtmf('12')).toThrow(RangeError);
    expect(sent(s.playbackStarted())[0]?.type).toBe('playback_started');
    expect(sent(s.playbackCompleted())[0]?.type).toBe('playback_completed');
    expect(() => opened(false).dtmf('1')).toThrow(RangeError);
    expect(() => opened(false).playbackStarted()).toThrow(RangeError);
  });

  it('disconnect carries outputVariables exactly; non-string values are a protocol error', () => {
    const ok = opened(true).handleText(JSON.stringify({ version: '2', id: ID, type: 'disconnect', seq: 2, clientseq: 1, parameters: { reason: 'completed', outputVariables: { a: '1', b: '' } } }));
    expect(ok[0]).toEqual({ kind: 'disconnect', reason: 'completed', outputVariables: { a: '1', b: '' } });
    expect(sent(ok)).toEqual([expect.objectContaining({ type: 'close', parameters: { reason: 'disconnect' } })]);
    const bad = opened(true).handleText(JSON.stringify({ version: '2', id: ID, type: 'disconnect', seq: 2, clientseq: 1, parameters: { reason: 'completed', outputVariables: { a: 1 } } }));
    expect(bad[0]).toEqual({ kind: 'protocolError', info: 'disconnect outputVariables must map names to strings' });
  });

  it('a 429 error carries retryAfter', () => {
    expect(sent(opened(true).error(429, 'Too Many Requests', 'PT1S'))[0]?.parameters).toEqual({ code: 429, message: 'Too Many Requests', retryAfter: 'PT1S' });
  });
});
