/**
 * Conformance items 5, 6, 8, 9, 10: ping/pong, envelope and sequence
 * violations (including hostile input), update, close reasons, server disconnect.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionHandle } from '../../src/capture/index.js';
import type { AudioHookClient } from '../../src/simulate/index.js';
import { CollectingSink } from '../helpers/sinks.js';
import { openSession, startTestServer, until, type TestServer } from '../helpers/server.js';

let t: TestServer;
const handles = new Map<string, SessionHandle>();
const sink = new CollectingSink();
let holdNext = false;

beforeAll(async () => {
  t = await startTestServer({}, {
    admission: () => ({
      decide: (ctx, handle) => {
        handles.set(ctx.sessionId, handle);
        return holdNext ? { type: 'hold' } : { type: 'admit' };
      },
    }),
    sinks: () => [sink],
  });
});
afterAll(() => t.stop());

function envelope(c: AudioHookClient, type: string, over: Record<string, unknown> = {}, parameters: Record<string, unknown> = {}): string {
  return JSON.stringify({ version: '2', id: c.sessionId, type, serverseq: 1, position: 'PT0S', parameters, ...over });
}

/** A valid-looking ping padded to exactly `length` characters. */
function paddedPing(c: AudioHookClient, length: number): string {
  const bare = envelope(c, 'ping', { seq: 2, pad: '' });
  return envelope(c, 'ping', { seq: 2, pad: 'x'.repeat(length - bare.length) });
}

describe('ping / pong', () => {
  it('answers ping with pong whose clientseq is the ping seq, with the RTT exported', async () => {
    const c = t.client();
    await openSession(c);
    const rttBefore = await t.metric('hookline_audiohook_rtt_seconds_count');
    c.ping();
    const pong = await c.waitFor('pong');
    expect(pong.clientseq).toBe(2);
    expect(pong.parameters).toEqual({});
    c.ping();
    await until(() => c.received.filter((m) => m.type === 'pong').length === 2);
    expect(c.received.filter((m) => m.type === 'pong')[1]?.clientseq).toBe(3);
    expect(await t.metric('hookline_audiohook_rtt_seconds_count')).toBe(rttBefore + 1);
    expect(c.core.protocolErrors).toEqual([]);
  });

  it('answers pings while the session is paused', async () => {
    holdNext = true;
    const c = t.client();
    const opened = await openSession(c);
    holdNext = false;
    expect(opened.startPaused).toBe(true);
    c.ping();
    const pong = await c.waitFor('pong');
    expect(pong.clientseq).toBe(3); // open=1, paused=2, ping=3
    expect(c.core.protocolErrors).toEqual([]);
  });
});

describe('envelope and sequence violations end in disconnect(error), and close still gets closed', () => {
  async function violate(send: (c: AudioHookClient) => void, info: RegExp): Promise<void> {
    const before = await t.metric('hookline_audiohook_protocol_errors_total');
    const c = t.client();
    await openSession(c);
    send(c);
    const d = await c.waitFor('disconnect');
    expect(d.parameters.reason).toBe('error');
    expect(String(d.parameters.info)).toMatch(info);
    // The client answers the disconnect with close(disconnect); exactly one closed follows.
    await c.waitFor('closed');
    // Once the socket is closed nothing more can arrive: a second closed would be in `received`.
    await c.waitForSocketClose();
    expect(c.received.filter((m) => m.type === 'closed')).toHaveLength(1);
    expect(await t.metric('hookline_audiohook_protocol_errors_total')).toBeGreaterThanOrEqual(before + 1);
  }

  it('seq gap', () => violate((c) => c.sendRaw(envelope(c, 'ping', { seq: 5 })), /seq/));
  it('repeated seq', () => violate((c) => c.sendRaw(envelope(c, 'ping', { seq: 1 })), /seq/));
  it('serverseq ahead of what we sent', () => violate((c) => c.sendRaw(envelope(c, 'ping', { seq: 2, serverseq: 9 })), /serverseq/));
  it('wrong session id', () => violate((c) => c.sendRaw(envelope(c, 'ping', { seq: 2, id: '11111111-2222-3333-4444-555555555555' })), /identifier/));
  it('non-JSON text', () => violate((c) => c.sendRaw('this is not json'), /JSON/));
  it('wrong version', () => violate((c) => c.sendRaw(envelope(c, 'ping', { seq: 2, version: '1' })), /version/));
  it('missing parameters', () => violate((c) => c.sendRaw(JSON.stringify({ version: '2', id: c.sessionId, type: 'ping', seq: 2, serverseq: 1, position: 'PT0S' })), /parameters/));
  it('unknown message type', () => violate((c) => c.sendCustom('reconnecting', {}), /Unknown message type/));
  it('ill-typed parameters', () => violate((c) => c.sendCustom('resumed', { start: 'soon', discarded: 'PT1S' }), /resumed/));
  // 65,536 characters: one over the protocol limit, still within the 64 KiB WebSocket payload.
  it('text longer than 64K characters', () => violate((c) => c.sendRaw(paddedPing(c, 65_536)), /too large/));

  it('text of exactly 65,535 characters is accepted', async () => {
    const c = t.client();
    await openSession(c);
    c.sendRaw(paddedPing(c, 65_535));
    const pong = await c.waitFor('pong');
    expect(pong.clientseq).toBe(2);
  });
  it('audio that is not whole samples', () => violate((c) => c.sendBinary(Buffer.alloc(3)), /whole number of samples/));

  it('a message larger than the 64 KiB transport limit drops the socket and the session finalizes', async () => {
    const c = t.client();
    await openSession(c);
    c.sendRaw('x'.repeat(200_000));
    expect(await c.waitForSocketClose()).toBe(1009);
    // This session's own handle and sink, not the server-wide count other sessions also move.
    await until(() => handles.get(c.sessionId)?.ended === true, 2000, 'session finalized');
    expect(sink.sessions.get(c.sessionId)?.end?.reason).toBe('socket-drop');
  });

  it('anything but open as the first message is an error', async () => {
    const c = t.client();
    await c.connect();
    c.sendCustom('paused', {});
    const d = await c.waitFor('disconnect');
    expect(d.parameters).toMatchObject({ reason: 'error' });
  });

  it('binary before open is dropped and counted, not fatal', async () => {
    const before = await t.metric('hookline_audiohook_stray_frames_total');
    const c = t.client();
    await c.connect();
    c.sendBinary(Buffer.alloc(320));
    c.open();
    await c.waitFor('opened');
    expect(await t.metric('hookline_audiohook_stray_frames_total')).toBe(before + 1);
    expect(c.received.some((m) => m.type === 'disconnect')).toBe(false);
  });
});

describe('update, close and disconnect', () => {
  it('answers update with updated and hands the language to sinks', async () => {
    const c = t.client();
    await openSession(c);
    c.update({ language: 'es-419' });
    const u = await c.waitFor('updated');
    expect(u.parameters).toEqual({});
    await until(() => sink.sessions.get(c.sessionId)?.controls.some((e) => e.type === 'update') ?? false);
    const ev = sink.sessions.get(c.sessionId)?.controls.find((e) => e.type === 'update');
    expect(ev).toMatchObject({ parameters: { language: 'es-419' } });
  });

  it.each(['end', 'disconnect', 'error', 'reconnect'] as const)('close(%s) gets exactly one closed and ends the sinks', async (reason) => {
    const c = t.client();
    await openSession(c);
    c.close(reason);
    await c.waitFor('closed');
    await c.waitForSocketClose();
    expect(c.received.filter((m) => m.type === 'closed')).toHaveLength(1);
    await until(() => sink.sessions.get(c.sessionId)?.end !== undefined);
    expect(sink.sessions.get(c.sessionId)?.end?.reason).toBe(reason);
  });

  it('a socket dropped without close still finalizes the session', async () => {
    const c = t.client();
    await openSession(c);
    c.terminate();
    await until(() => handles.get(c.sessionId)?.ended === true, 2000, 'session finalized');
    expect(sink.sessions.get(c.sessionId)?.end?.reason).toBe('socket-drop');
  });

  it('server disconnect(completed) → client close(disconnect) → closed', async () => {
    const c = t.client();
    await openSession(c);
    handles.get(c.sessionId)?.disconnect('completed');
    const d = await c.waitFor('disconnect');
    expect(d.parameters).toEqual({ reason: 'completed' });
    await c.waitFor('closed');
    await until(() => sink.sessions.get(c.sessionId)?.end !== undefined);
    expect(sink.sessions.get(c.sessionId)?.end?.reason).toBe('disconnect');
    expect(c.core.protocolErrors).toEqual([]);
  });

  it('reports client error messages as metrics', async () => {
    const before = await t.metric('hookline_audiohook_client_errors_total{code="429"}');
    const c = t.client();
    await openSession(c);
    c.sendCustom('error', { code: 429, message: 'Too many messages', retryAfter: 'PT1S' });
    c.ping();
    await c.waitFor('pong');
    expect(await t.metric('hookline_audiohook_client_errors_total{code="429"}')).toBe(before + 1);
  });
});
