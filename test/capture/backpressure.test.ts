/**
 * The bounded send buffer (`audiohook.maxSendBufferBytes`): a client that
 * stops reading, so that what the server wrote piles up above the limit, is
 * cut off instead of being written to without bound. Driven through a
 * stand-in socket whose buffered amount the test sets.
 */
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { admitAll } from '../../src/capture/index.js';
import { AudioHookConnection } from '../../src/capture/connection.js';
import { CaptureMetrics } from '../../src/capture/metrics.js';
import { configSchema } from '../../src/platform/config/index.js';
import { createLogger } from '../../src/platform/logging/index.js';
import { createRegistry } from '../../src/platform/metrics/index.js';
import type { MediaPolicy } from '../../src/protocol/audiohook/index.js';

const LIMIT = 1000;

class StandInSocket extends EventEmitter {
  readonly OPEN = 1;
  readyState = 1;
  bufferedAmount = 0;
  readonly sent: string[] = [];
  terminated = false;
  send(text: string): void {
    this.sent.push(text);
  }
  terminate(): void {
    this.terminated = true;
    this.readyState = 3;
    this.emit('close', 1006);
  }
  close(): void {
    this.terminate();
  }
}

function connect() {
  const ws = new StandInSocket();
  const settings = configSchema.parse({ audiohook: { maxSendBufferBytes: LIMIT } }).audiohook;
  const sessionId = randomUUID();
  const orgId = randomUUID();
  const ended: unknown[] = [];
  new AudioHookConnection(
    { ws: ws as unknown as WebSocket, sessionId, correlationId: randomUUID(), orgId },
    {
      settings,
      mediaPolicy: settings.media as MediaPolicy,
      log: createLogger({ level: 'silent' }),
      metrics: new CaptureMetrics(createRegistry(false), () => ({})),
      sinks: [],
      admission: admitAll,
      onEnd: (c) => void ended.push(c),
      onFlush: () => undefined,
    },
  );
  let seq = 0;
  const message = (type: string, parameters: Record<string, unknown>) =>
    ws.emit('message', Buffer.from(JSON.stringify({ version: '2', id: sessionId, type, seq: ++seq, serverseq: seq === 1 ? 0 : 1, position: 'PT0S', parameters })), false);
  message('open', {
    organizationId: orgId,
    conversationId: randomUUID(),
    participant: { id: randomUUID(), ani: 'tel:+1555', aniName: '', dnis: 'tel:+1666' },
    media: [{ type: 'audio', format: 'PCMU', channels: ['external', 'internal'], rate: 8000 }],
    language: 'en-US',
  });
  return { ws, ended, ping: () => message('ping', {}) };
}

const types = (ws: StandInSocket) => ws.sent.map((s) => (JSON.parse(s) as { type: string }).type);

describe('send buffer limit', () => {
  it('keeps sending while the buffered amount is at the limit', () => {
    const { ws, ping } = connect();
    expect(types(ws)).toEqual(['opened']);
    ws.bufferedAmount = LIMIT;
    ping();
    expect(types(ws)).toEqual(['opened', 'pong']);
    expect(ws.terminated).toBe(false);
  });

  it('cuts off a client whose unread data went over the limit, and finalizes the session', () => {
    const { ws, ping, ended } = connect();
    expect(types(ws)).toEqual(['opened']);
    ws.bufferedAmount = LIMIT + 1;
    ping();
    expect(types(ws)).toEqual(['opened']);
    expect(ws.terminated).toBe(true);
    expect(ended).toHaveLength(1);
  });
});
