/**
 * The downstream stream's message order as a property: random interleavings
 * of open (admit or hold), admit, client and server pause/resume, transfers
 * (retag), discards, pings, zero-byte frames, network delays and the call's
 * end, driven through the real connection glue (AudioHookConnection with the
 * pure client core on the other end of an in-memory socket) into the real
 * stream sink and a real downstream WebSocket that accepts after a random
 * delay. Whatever the order, the destination sees start first, positions on
 * the timeline, no tag while paused or without a change, and an `end` at the
 * call's timeline (docs/stream-protocol.md "Message order"). The recorder
 * runs alongside: its WAV covers exactly the stream's span (README
 * "Recording and stream span").
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Admission, SessionHandle } from '../../../src/capture/admission.js';
import { AudioHookConnection } from '../../../src/capture/connection.js';
import { CaptureMetrics } from '../../../src/capture/metrics.js';
import { RecorderSink, recordingKey } from '../../../src/capture/sinks/recorder.js';
import { StreamSink } from '../../../src/capture/sinks/stream.js';
import { parseWav } from '../../../src/audio/index.js';
import { FsObjectStore } from '../../../src/platform/objects/index.js';
import type { Config } from '../../../src/app/config.js';
import type { DownstreamConfig } from '../../../src/tenants/index.js';
import { createLogger } from '../../../src/platform/logging/index.js';
import { Registry } from '../../../src/platform/metrics/index.js';
import { ClientSession, DEFAULT_MEDIA_POLICY, NS_PER_SECOND, nanosToSamples, parseDuration, type ClientEffect, type Nanos } from '../../../src/protocol/audiohook/index.js';
import type { SessionInfo } from '../../../src/capture/sinks/port.js';
import { DownstreamCollector } from '../../helpers/downstream.js';
import { streamViolations, type Frame } from '../../helpers/stream-invariants.js';
import { tempDir } from '../../helpers/tmp.js';

const log = createLogger({ level: 'silent' });
const ORG = 'd7934305-0972-4844-938e-9060eef73d05';
const AGENTS = ['5a1e0000-0000-4000-8000-00000000000a', '5a1e0000-0000-4000-8000-00000000000b', '5a1e0000-0000-4000-8000-00000000000c'];
const FRAME = Buffer.alloc(320, 0x55); // 20 ms of stereo PCMU

type Cmd =
  | { k: 'audio'; n: number }
  | { k: 'deliver' }
  | { k: 'hold' | 'unhold' | 'pause' | 'resume' | 'ping' | 'zero' }
  | { k: 'admit' | 'tag'; agent: number }
  | { k: 'discard'; ms: number }
  | { k: 'wait'; ms: number };

const agentArb = fc.integer({ min: 0, max: AGENTS.length - 1 });
const cmdArb: fc.Arbitrary<Cmd> = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 1, max: 10 }).map((n) => ({ k: 'audio' as const, n })) },
  { weight: 3, arbitrary: fc.constant({ k: 'deliver' as const }) },
  fc.constantFrom<Cmd>({ k: 'hold' }, { k: 'unhold' }, { k: 'pause' }, { k: 'resume' }, { k: 'ping' }, { k: 'zero' }),
  { weight: 2, arbitrary: agentArb.map((agent) => ({ k: 'admit' as const, agent })) },
  { weight: 2, arbitrary: agentArb.map((agent) => ({ k: 'tag' as const, agent })) },
  fc.integer({ min: 1, max: 500 }).map((ms) => ({ k: 'discard' as const, ms })),
  fc.integer({ min: 0, max: 4 }).map((ms) => ({ k: 'wait' as const, ms })),
);
const scenarioArb = fc.record({
  open: fc.oneof(fc.constant<'hold'>('hold'), agentArb.map((a) => ({ admit: a }))),
  acceptDelayMs: fc.integer({ min: 0, max: 15 }),
  cmds: fc.array(cmdArb, { maxLength: 40 }),
  end: fc.constantFrom<'close' | 'drop'>('close', 'close', 'drop'),
});
type Scenario = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;

const downstream = new DownstreamCollector();
const dir = tempDir('hookline-order-');
const store = new FsObjectStore(`${dir.dir}/objects`);
const recorder = new RecorderSink({ store, spoolDir: `${dir.dir}/spool`, maxBufferedBytes: 1 << 26, log, onDrop: () => undefined });
beforeAll(() => downstream.start());
afterAll(async () => {
  await downstream.stop();
  dir.cleanup();
});

interface Recorded {
  wavBytes: number;
  sidecar: { timelineStart: string; timelineEnd: string };
}

/** The recorder's WAV (data bytes) and sidecar for a session, once its flush is done. */
function readRecording(info: SessionInfo): Recorded {
  const wav = readFileSync(`${store.root}/${recordingKey(info, 'wav')}`);
  const sidecar = JSON.parse(readFileSync(`${store.root}/${recordingKey(info, 'json')}`, 'utf8')) as Recorded['sidecar'];
  return { wavBytes: wav.length - parseWav(wav).dataOffset, sidecar };
}

/** Connection ⇄ client over an in-memory socket: client→server at once, server→client on `deliver`. */
class Wire extends EventEmitter {
  readonly OPEN = 1;
  readyState = 1;
  bufferedAmount = 0;
  readonly toClient: string[] = [];
  send(text: string): void {
    this.toClient.push(text);
  }
  close(): void {
    this.readyState = 3;
  }
  terminate(): void {
    this.readyState = 3;
  }
}

async function play(s: Scenario): Promise<{ frames: Frame[] | undefined; timelineEnd: Nanos; admitted: boolean; clientErrors: readonly string[]; recorded: Recorded | undefined }> {
  downstream.acceptDelayMs = s.acceptDelayMs;
  const sessionId = randomUUID();
  const wire = new Wire();
  let handle: SessionHandle | undefined;
  const tag = (i: number) => ({ agent: { id: AGENTS[i] as string, name: `Agent ${i}` } });
  const admission: Admission = {
    decide: (_ctx, h) => {
      handle = h;
      return s.open === 'hold' ? { type: 'hold' } : { type: 'admit', ...tag(s.open.admit) };
    },
  };
  const destinations: DownstreamConfig[] = [{ url: downstream.url, channels: 'both' }];
  const sink = new StreamSink({ destinations: () => destinations, replayBufferSeconds: 600, maxBufferedBytes: 1 << 26, deliverAfterEndMs: 5000, log, onDrop: () => undefined });
  const flushes: Promise<unknown>[] = [];
  let info: SessionInfo | undefined;
  const spy = { name: 'spy', open: (i: SessionInfo) => void (info = i) };
  const conn = new AudioHookConnection(
    { ws: wire as never, sessionId, correlationId: randomUUID(), orgId: ORG },
    {
      onFlush: (f) => void flushes.push(f),
      settings: { closeGraceMs: 30_000, maxSendBufferBytes: 1 << 20, supportedLanguages: [] } as unknown as Config['audiohook'],
      mediaPolicy: DEFAULT_MEDIA_POLICY,
      log,
      metrics: new CaptureMetrics(new Registry(), () => ({})),
      sinks: [sink, recorder, spy],
      admission,
      onEnd: () => undefined,
    },
  );
  const client = new ClientSession({
    sessionId,
    now: () => performance.now(),
    open: {
      organizationId: ORG,
      conversationId: randomUUID(),
      participant: { id: randomUUID(), ani: 'tel:+15555550100', aniName: 'Caller', dnis: 'tel:+15555550199' },
      media: [{ type: 'audio', format: 'PCMU', channels: ['external', 'internal'], rate: 8000 }],
    },
  });
  const run = (effects: ClientEffect[]) => {
    for (const e of effects) {
      if (e.kind === 'send') wire.emit('message', Buffer.from(e.text), false);
      else if (e.kind === 'binary') wire.emit('message', Buffer.from(e.data), true);
    }
  };
  const deliver = () => {
    while (wire.toClient.length > 0) run(client.handleText(wire.toClient.shift() as string));
  };
  run(client.start());
  deliver();
  for (const c of s.cmds) {
    switch (c.k) {
      case 'audio':
        for (let i = 0; i < c.n; i++) run(client.tick(FRAME));
        break;
      case 'deliver':
        deliver();
        break;
      case 'hold':
        run(client.holdStart());
        break;
      case 'unhold':
        run(client.holdEnd());
        break;
      case 'pause':
        handle?.pause();
        break;
      case 'resume':
        handle?.resume();
        break;
      case 'ping':
        if (!client.awaitingPong) run(client.ping()); // like Genesys: one ping outstanding at a time
        break;
      case 'zero':
        if (client.isStreaming) wire.emit('message', Buffer.alloc(0), true);
        break;
      case 'admit':
        handle?.admit(tag(c.agent));
        break;
      case 'tag':
        handle?.retag(tag(c.agent));
        break;
      case 'discard':
        run(client.discard((c.ms * NS_PER_SECOND) / 1000));
        break;
      case 'wait':
        await sleep(c.ms);
        break;
    }
  }
  let timelineEnd: Nanos;
  if (s.end === 'close') {
    deliver();
    run(client.close('end'));
    deliver();
    timelineEnd = client.position;
  } else {
    timelineEnd = conn.position; // a dropped socket ends where the server last knew the client's timeline
  }
  const admitted = conn.admitted;
  const got = admitted ? downstream.waitEnd(sessionId).catch(() => undefined) : undefined;
  wire.emit('close');
  const frames = (await got) ?? downstream.sessions.get(sessionId);
  downstream.sessions.delete(sessionId);
  await Promise.all(flushes);
  const recorded = info ? readRecording(info) : undefined;
  return { frames, timelineEnd, admitted, clientErrors: client.protocolErrors, recorded };
}

describe('downstream stream message order', () => {
  it('holds for random interleavings of call, gate and network events', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (s) => {
        const r = await play(s);
        expect(r.clientErrors).toEqual([]);
        if (!r.admitted) {
          expect(r.frames).toBeUndefined();
          return;
        }
        expect(r.frames, 'the destination saw the call').toBeDefined();
        const frames = r.frames ?? [];
        expect(streamViolations(frames, { timelineEnd: r.timelineEnd })).toEqual([]);
        // The recording covers the stream's span: first start.position .. end.position.
        const first = frames[0] && 'text' in frames[0] ? frames[0].text : undefined;
        const last = frames.at(-1);
        const end = last && 'text' in last ? last.text : undefined;
        if (first?.type !== 'start' || end?.type !== 'end') throw new Error('stream without start and end');
        expect(r.recorded?.sidecar).toMatchObject({ timelineStart: first.position, timelineEnd: end.position });
        const span = (parseDuration(end.position) ?? 0) - (parseDuration(first.position) ?? 0);
        expect(r.recorded?.wavBytes).toBe(nanosToSamples(span, 8000) * 2);
      }),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 60) },
    );
  }, 120_000);
});
