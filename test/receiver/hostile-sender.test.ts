/**
 * The reference receiver (`hookline receive`) against a hostile sender, over
 * real sockets (points 15 and 16 of the hardening issue): no file outside
 * --out, no crash on a malformed frame, bounded frames.
 */
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createLogger } from '../../src/platform/logging/index.js';
import { Receiver } from '../../src/receiver/index.js';
import { tempDir } from '../helpers/tmp.js';

const dir = tempDir('hookline-recv-sec-');
const out = join(dir.dir, 'out');
let receiver: Receiver;

beforeAll(async () => {
  receiver = new Receiver({ port: 0, outDir: out, log: createLogger({ level: 'silent' }) });
  await receiver.start();
});
afterAll(async () => {
  await receiver.stop();
  dir.cleanup();
});

function start(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'start',
    version: 1,
    tenant: randomUUID(),
    conversationId: randomUUID(),
    sessionId: randomUUID(),
    agent: null,
    participant: { id: randomUUID(), ani: '', aniName: '', dnis: '' },
    media: { format: 'PCMU', rate: 8000, channels: 2 },
    channels: ['customer', 'agent'],
    startTime: new Date().toISOString(),
    position: 'PT0S',
    resumed: false,
    ...over,
  };
}

/** Sends the frames and resolves with the close code the receiver answers with. */
async function send(frames: (string | Buffer)[]): Promise<number> {
  const ws = new WebSocket(`ws://127.0.0.1:${receiver.port}`, { perMessageDeflate: false });
  ws.on('error', () => undefined);
  await once(ws, 'open');
  const closed = once(ws, 'close');
  for (const f of frames) ws.send(f);
  const [code] = (await closed) as [number];
  return code;
}

/** A well-formed call still goes through: the receiver is alive and working. */
async function expectAlive(): Promise<void> {
  const s = start();
  const ws = new WebSocket(`ws://127.0.0.1:${receiver.port}`, { perMessageDeflate: false });
  await once(ws, 'open');
  const ended = once(receiver, 'end');
  ws.send(JSON.stringify(s));
  ws.send(Buffer.alloc(320, 1));
  ws.send(JSON.stringify({ type: 'end', reason: 'end', position: 'PT0.02S', endTime: new Date().toISOString(), droppedFrames: 0 }));
  await ended;
  ws.close();
  expect(existsSync(join(out, `${s.sessionId as string}.wav`))).toBe(true);
}

describe('reference receiver', () => {
  it('point 15: refuses a sessionId that is not a UUID, and writes nothing outside --out', async () => {
    expect(await send([JSON.stringify(start({ sessionId: '../../escaped' }))])).toBe(1007);
    expect(existsSync(join(dir.dir, 'escaped.audio'))).toBe(false);
    expect(readdirSync(dir.dir).sort()).toEqual(['out']);
  });

  it('point 16: a null frame, a start without media, or a bad position closes that socket, not the process', async () => {
    expect(await send(['null'])).toBe(1007);
    expect(await send([JSON.stringify({ type: 'start', sessionId: randomUUID() })])).toBe(1007);
    expect(await send([JSON.stringify(start({ position: 'PT9000000S' }))])).toBe(1007);
    expect(await send([JSON.stringify(start()), '{"type":"paused"}'])).toBe(1007);
    await expectAlive();
  });

  it('point 16: bounds frame size (maxPayload)', async () => {
    expect(await send([JSON.stringify(start()), Buffer.alloc(2 * 1024 * 1024)])).toBe(1009);
    await expectAlive();
  });
});
