import { createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { toneUlaw, ULAW_SILENCE } from '../../../src/audio/index.js';
import { createDeepgramAsr, type DeepgramOptions } from '../../../src/voicebot/speech/deepgram.js';
import type { AsrEvent } from '../../../src/voicebot/speech/types.js';
import { startFakeDeepgram } from '../../helpers/fake-deepgram.js';
import { captureLogs } from '../../helpers/log-capture.js';
import { until } from '../../helpers/until.js';

const KEY = 'dg-secret-key-0123456789abcdef';
const speech = (seconds: number) => toneUlaw([440], seconds);
const silence = (ms: number) => new Uint8Array(ms * 8).fill(ULAW_SILENCE);

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(script: string[][], extra: { useUtteranceEnd?: boolean; key?: string; opts?: DeepgramOptions } = {}) {
  const server = await startFakeDeepgram({ apiKey: KEY, script, useUtteranceEnd: extra.useUtteranceEnd });
  cleanups.push(() => server.close());
  const logs = captureLogs();
  const engine = createDeepgramAsr({ url: server.url, apiKey: extra.key ?? KEY, model: 'nova-3', endpointingMs: 300 }, { logger: logs.logger, ...extra.opts });
  const events: AsrEvent[] = [];
  const stream = await engine.connect({ language: 'en-US', listener: (e) => events.push(e) });
  cleanups.push(() => stream.close());
  return { server, stream, events, logs };
}

const finals = (events: AsrEvent[]) => events.filter((e) => e.type === 'final');

describe('Deepgram live ASR adapter', () => {
  it('connects with the Token header and the live query, and streams partials then one merged final per utterance', async () => {
    const { server, stream, events } = await setup([['hello there', 'how are you']]);
    stream.send(speech(0.6));
    stream.send(silence(400));
    await until(() => finals(events).length === 1, 5000, 'final');

    const conn = server.connections[0]!;
    expect(conn.authorization).toBe(`Token ${KEY}`);
    expect(Object.fromEntries(conn.query)).toMatchObject({
      encoding: 'mulaw',
      sample_rate: '8000',
      channels: '1',
      interim_results: 'true',
      endpointing: '300',
      vad_events: 'true',
      utterance_end_ms: '1000',
      model: 'nova-3',
      language: 'en-US',
    });
    const types = events.map((e) => e.type);
    expect(types[0]).toBe('speech-started');
    expect(types.filter((t) => t === 'partial').length).toBeGreaterThan(1);
    expect(types.lastIndexOf('partial')).toBeLessThan(types.indexOf('final'));
    expect(events.find((e) => e.type === 'partial')).toEqual({ type: 'partial', text: 'hello' });
    expect(finals(events)).toEqual([{ type: 'final', text: 'hello there how are you', confidence: 0.9, startMs: expect.any(Number), endMs: expect.any(Number) }]);
  });

  it('merges final pieces until UtteranceEnd when the server sends no speech_final', async () => {
    const { stream, events } = await setup([['first piece', 'second piece'], ['next one']], { useUtteranceEnd: true });
    stream.send(speech(0.4));
    stream.send(silence(400));
    stream.send(speech(0.4));
    stream.send(silence(400));
    await until(() => finals(events).length === 2, 5000, 'two finals');
    expect(finals(events).map((e) => e.type === 'final' && e.text)).toEqual(['first piece second piece', 'next one']);
  });

  it('endUtterance sends Finalize and the pending final arrives without trailing silence', async () => {
    const { server, stream, events } = await setup([['book a table']]);
    stream.send(speech(0.5));
    await until(() => events.some((e) => e.type === 'partial'), 5000, 'partial');
    stream.endUtterance?.();
    await until(() => finals(events).length === 1, 2000, 'final after Finalize');
    expect(finals(events)[0]).toMatchObject({ text: 'book a table' });
    expect(server.connections[0]!.messages.map((m) => m.type)).toContain('Finalize');
  });

  it('sends KeepAlive on an idle tick, not on a tick that saw audio', async () => {
    const ticks: (() => void)[] = [];
    const every: DeepgramOptions['every'] = (_ms, fn) => (ticks.push(fn), () => undefined);
    const { server, stream } = await setup([['x']], { opts: { every } });
    await until(() => server.connections.length === 1, 5000, 'connection');
    stream.send(silence(20));
    await until(() => server.connections[0]!.audioBytes > 0, 5000, 'audio');
    ticks[0]!(); // audio flowed since the last tick: no KeepAlive
    ticks[0]!(); // idle: KeepAlive
    stream.endUtterance?.(); // a marker after both ticks
    await until(() => server.connections[0]!.messages.some((m) => m.type === 'Finalize'), 5000, 'marker');
    expect(server.connections[0]!.messages.map((m) => m.type)).toEqual(['KeepAlive', 'Finalize']);
  });

  it('close sends CloseStream, delivers what the server flushes, and the server sees a clean close', async () => {
    const { server, stream, events } = await setup([['goodbye']]);
    stream.send(speech(0.3));
    await until(() => events.some((e) => e.type === 'speech-started'), 5000, 'speech');
    await stream.close();
    const conn = server.connections[0]!;
    expect(conn.messages.map((m) => m.type)).toEqual(['CloseStream']);
    expect(finals(events)).toMatchObject([{ text: 'goodbye' }]);
    await until(() => conn.closedCode !== undefined, 5000, 'server close');
    expect(conn.closedCode).toBe(1000);
  });

  it('the server closing the stream, even cleanly, is an error event', async () => {
    const { server, stream, events } = await setup([['x']]);
    stream.send(silence(20));
    await until(() => server.connections[0]?.audioBytes, 5000, 'audio');
    server.hangUp(1011, 'NET-0001');
    const err = await until(() => events.find((e) => e.type === 'error'), 5000, 'error event');
    expect(err.type === 'error' && err.error.message).toMatch(/closed the connection \(1011 NET-0001\)/);
    const again = await setup([['x']]);
    again.stream.send(silence(20));
    await until(() => again.server.connections[0]?.audioBytes, 5000, 'audio');
    again.server.hangUp(1000);
    await until(() => again.events.find((e) => e.type === 'error'), 5000, 'error event on a clean close');
  });

  it('an aborted signal closes the stream with CloseStream', async () => {
    const server = await startFakeDeepgram({ apiKey: KEY, script: [] });
    cleanups.push(() => server.close());
    const ac = new AbortController();
    const stream = await createDeepgramAsr({ url: server.url, apiKey: KEY, endpointingMs: 300 }).connect({ listener: () => undefined, signal: ac.signal });
    cleanups.push(() => stream.close());
    stream.send(silence(20));
    await until(() => server.connections[0]?.audioBytes, 5000, 'audio');
    ac.abort();
    await until(() => server.connections[0]!.closedCode === 1000, 5000, 'closed');
    expect(server.connections[0]!.messages.map((m) => m.type)).toEqual(['CloseStream']);
  });

  it('a wrong key is an error event (not a hang) whose text and logs never show the key', async () => {
    const wrong = 'wrong-key-XYZW9876543210';
    const { events, logs } = await setup([['x']], { key: wrong });
    const err = await until(() => events.find((e) => e.type === 'error'), 5000, 'error event');
    expect(err.type === 'error' && err.error.message).toMatch(/deepgram: .*401/);
    expect(err.type === 'error' && err.error.name).toBe('SpeechEngineError');
    expect(JSON.stringify(err.type === 'error' && err.error.message)).not.toContain(wrong);
    expect(logs.text()).toContain('speech engine link failed');
    expect(logs.text()).not.toContain(wrong);
    expect(logs.text()).not.toContain(KEY);
  });

  it('a server that never answers the upgrade is an error event after the connect timeout', async () => {
    const held: Socket[] = [];
    const tcp = createServer((s) => held.push(s));
    await new Promise<void>((r) => tcp.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise<void>((r) => (held.forEach((s) => s.destroy()), tcp.close(() => r()))));
    const engine = createDeepgramAsr({ url: `ws://127.0.0.1:${(tcp.address() as AddressInfo).port}/v1/listen`, apiKey: KEY, endpointingMs: 300 }, { connectTimeoutMs: 200 });
    const events: AsrEvent[] = [];
    const stream = await engine.connect({ listener: (e) => events.push(e) });
    cleanups.push(() => stream.close());
    const err = await until(() => events.find((e) => e.type === 'error'), 5000, 'timeout error');
    expect(err.type === 'error' && err.error.message).toMatch(/timed out/);
  });

  it('holds a bounded amount of audio while connecting and counts what it drops', async () => {
    let dropped = 0;
    const { server, stream } = await setup([['x']], { opts: { maxBufferedBytes: 1600, drops: { inc: (n = 1) => void (dropped += n) } } });
    for (let i = 0; i < 5; i++) stream.send(silence(100)); // 800 bytes each, before the socket opens
    expect(dropped).toBe(2400);
    await until(() => server.connections[0]?.audioBytes === 1600, 5000, 'buffered audio delivered');
  });
});
