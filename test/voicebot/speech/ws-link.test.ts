/**
 * The network speech engines' WebSocket link bounds what an engine can make
 * us hold: a message over maxMessageBytes fails the link (close 1009) instead
 * of being buffered whole; messages within it arrive as before.
 */
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { openWsLink, type WsLinkOptions } from '../../../src/voicebot/speech/ws-link.js';
import type { SpeechEngineError } from '../../../src/voicebot/speech/errors.js';
import { until } from '../../helpers/until.js';

const servers: WebSocketServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise<void>((r) => s.close(() => r()));
});

/** An engine that sends each of `messages` once the link is open. */
async function engine(messages: string[]): Promise<string> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  servers.push(wss);
  await new Promise<void>((r) => wss.once('listening', () => r()));
  wss.on('connection', (ws) => {
    for (const m of messages) ws.send(m);
  });
  return `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/listen`;
}

function link(url: string, over: Partial<WsLinkOptions> = {}) {
  const got = { texts: [] as string[], errors: [] as SpeechEngineError[], closed: false };
  const l = openWsLink({
    engine: 'test',
    url,
    headers: {},
    secret: 'engine-secret-123456',
    connectTimeoutMs: 5000,
    maxBufferedBytes: 1 << 16,
    onOpen: () => undefined,
    onText: (t) => void got.texts.push(t),
    onError: (e) => void got.errors.push(e),
    onClose: () => void (got.closed = true),
    ...over,
  });
  return { l, got };
}

describe('speech engine WebSocket link', () => {
  it('fails the link on a message over maxMessageBytes, and delivers those within it', async () => {
    const url = await engine(['{"small":true}', 'x'.repeat(64 * 1024)]);
    const { l, got } = link(url, { maxMessageBytes: 32 * 1024 });
    await until(() => got.closed, 5000, 'the link to close');
    expect(got.texts).toEqual(['{"small":true}']);
    expect(got.errors).toHaveLength(1);
    expect(got.errors[0]?.message).toMatch(/Max payload size exceeded/);
    await l.close();
  });

  it('bounds messages by default (4 MiB), not at ws\'s 100 MiB', async () => {
    const url = await engine(['y'.repeat(5 * 1024 * 1024)]);
    const { l, got } = link(url);
    await until(() => got.closed, 10_000, 'the link to close');
    expect(got.texts).toEqual([]);
    expect(got.errors[0]?.message).toMatch(/Max payload size exceeded/);
    await l.close();
  });
});
