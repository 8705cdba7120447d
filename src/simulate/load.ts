/**
 * `hookline simulate`: N concurrent AudioHook sessions at a connection rate,
 * streaming audio in real time on one shared ticker (frames are sent on a
 * drift-free schedule), with pings, scripted pauses/discards/updates and
 * probe mode. Reports open latency, RTT and every protocol error.
 *
 * A pacer (pacer.ts) sends each session's frame when it falls due, so the
 * sessions' frames are spread over the frame period rather than sent in one
 * burst per tick; the ticker still runs every step (catch-up, pings, scripts,
 * end of the session) as before.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { LoopingSource, toneUlaw } from '../audio/index.js';
import { errorMessage } from '../platform/util/error-message.js';
import { bytesPerSample, NS_PER_SECOND, type MediaParameter } from '../protocol/audiohook/index.js';
import { summarize, type Summary } from './stats.js';
import { AudioHookClient, type ClientOptions } from './client.js';
import { FramePacer } from './pacer.js';
import { frameDueAt, type SendLateness } from './lateness.js';

export interface ScriptStep {
  /** Seconds after `opened`. */
  at: number;
  action: 'hold' | 'unhold' | 'discard' | 'update';
  /** For discard: how many seconds to drop. */
  seconds?: number;
  language?: string;
}

export interface LoadOptions extends Omit<ClientOptions, 'conversationId' | 'sessionId' | 'correlationId'> {
  sessions: number;
  /** New connections per second. */
  connectRate: number;
  /** Frame length in ms (10–1000). */
  frameMs: number;
  /** Seconds of streaming per session before `close(end)`. */
  durationSeconds: number;
  /** Interleaved stereo µ-law (external, internal) at 8 kHz; default a two-tone signal. */
  audio?: Uint8Array;
  pingIntervalMs?: number;
  script?: ScriptStep[];
  onSessionOpened?: (c: AudioHookClient) => void;
  /** Called once per session when it has ended (or failed to connect); `ok` as counted in `completed`. */
  onSessionSettled?: (c: AudioHookClient, ok: boolean) => void;
  /** Records how late each frame left against its schedule (the generator's own lag). */
  sendLateness?: SendLateness;
}

export interface LoadResult {
  sessions: number;
  opened: number;
  completed: number;
  failed: number;
  openLatencyMs: Summary;
  rttMs: Summary;
  framesSent: number;
  bytesSent: number;
  errors: Record<string, number>;
  wallSeconds: number;
}

interface Live {
  client: AudioHookClient;
  source: LoopingSource | undefined;
  t0: number;
  ticks: number;
  nextPing: number;
  script: ScriptStep[];
  done: boolean;
}

const MAX_CATCH_UP = 25;
/** Pacer resolution: a burst is at most the sessions whose frames fall due within this many ms. */
const PACE_MS = 2;

/** Frames for the selected media, cut from stereo µ-law (channel 0 external, 1 internal). */
function sourceFor(media: MediaParameter | undefined, stereo: Uint8Array, frameMs: number): LoopingSource | undefined {
  if (!media) return undefined;
  const samplesPerFrame = Math.round((media.rate * frameMs) / 1000);
  const bps = bytesPerSample(media.format);
  if (media.channels.length === 2 && media.format === 'PCMU') {
    const audio = media.channels[0] === 'external' ? stereo : swapChannels(stereo);
    return new LoopingSource(audio, samplesPerFrame * 2);
  }
  const pick = media.channels[0] === 'internal' ? 1 : 0;
  const mono = new Uint8Array(stereo.length / 2);
  for (let i = 0; i < mono.length; i++) mono[i] = stereo[i * 2 + pick] as number;
  const audio = bps === 2 ? new Uint8Array(mono.length * 2 * media.channels.length) : mono;
  return new LoopingSource(audio, samplesPerFrame * bps * media.channels.length);
}

function swapChannels(stereo: Uint8Array): Uint8Array {
  const out = new Uint8Array(stereo.length);
  for (let i = 0; i < stereo.length; i += 2) {
    out[i] = stereo[i + 1] as number;
    out[i + 1] = stereo[i] as number;
  }
  return out;
}

/**
 * Starts `n` sessions at `rate` per second on a drift-free schedule: session i
 * starts at i / rate seconds, and a late timer starts every session already
 * due. (Sleeping 1/rate between starts ran slow whenever the event loop was
 * busy streaming: 2,000 sessions at 250/s took 25–45 s instead of 8.)
 */
async function ramp(n: number, rate: number, start: () => void): Promise<void> {
  const gap = 1000 / rate;
  const t0 = performance.now();
  let started = 0;
  while (started < n) {
    const due = Math.min(n, Math.floor((performance.now() - t0) / gap) + 1);
    for (; started < due; started++) start();
    if (started < n) await sleep(Math.max(1, t0 + started * gap - performance.now()));
  }
}

export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  const audio = o.audio ?? toneUlaw([440, 660], 2);
  const pingInterval = o.pingIntervalMs ?? 5000;
  const errors: Record<string, number> = {};
  const note = (m: string) => (errors[m] = (errors[m] ?? 0) + 1);
  const live = new Set<Live>();
  const openLatencies: number[] = [];
  const rtts: number[] = [];
  let opened = 0;
  let completed = 0;
  let framesSent = 0;
  let bytesSent = 0;
  const started = performance.now();
  let finished = 0;
  let resolveAll: () => void = () => undefined;
  const allDone = new Promise<void>((r) => (resolveAll = r));
  const settle = (client: AudioHookClient, ok: boolean) => {
    if (ok) completed++;
    framesSent += client.framesSent;
    bytesSent += client.bytesSent;
    rtts.push(...client.rtts);
    o.onSessionSettled?.(client, ok);
    if (++finished === o.sessions) resolveAll();
  };

  const ticker = setInterval(() => {
    const now = performance.now();
    for (const s of live) step(s, now);
  }, Math.max(5, Math.min(o.frameMs, 50)));
  const pacer = new FramePacer<Live>(o.frameMs, PACE_MS, sendDue);
  const pacing = setInterval(() => pacer.run(performance.now()), PACE_MS);

  /** Sends the frames due by `now` (at most MAX_CATCH_UP); the end of the session is left to step(). */
  function sendDue(s: Live, now: number): void {
    const elapsed = now - s.t0;
    if (elapsed >= o.durationSeconds * 1000) return;
    const due = Math.floor(elapsed / o.frameMs);
    let n = 0;
    while (s.ticks < due && n++ < MAX_CATCH_UP) {
      o.sendLateness?.record(now, frameDueAt(s.t0, s.ticks, o.frameMs));
      if (s.source) s.client.tick(s.source.next());
      s.ticks++;
    }
  }

  function step(s: Live, now: number): void {
    const elapsed = now - s.t0;
    if (elapsed >= o.durationSeconds * 1000) {
      live.delete(s);
      pacer.delete(s);
      s.client.close('end');
      return;
    }
    sendDue(s, now);
    if (now >= s.nextPing && !s.client.core.awaitingPong) {
      s.client.ping();
      s.nextPing = now + pingInterval;
    }
    while (s.script.length > 0 && (s.script[0] as ScriptStep).at * 1000 <= elapsed) {
      const st = s.script.shift() as ScriptStep;
      if (st.action === 'hold') s.client.holdStart();
      else if (st.action === 'unhold') s.client.holdEnd();
      else if (st.action === 'discard') s.client.discard(Math.round((st.seconds ?? 1) * NS_PER_SECOND));
      else if (st.action === 'update') s.client.update({ language: st.language ?? 'en-US' });
    }
  }

  async function one(): Promise<void> {
    const client = new AudioHookClient(o);
    let closedCleanly = false;
    // A server that refuses the session (unauthorized, error) then closes cleanly has still failed it.
    let refused = false;
    client.on('protocolError', (e: { info: string }) => note(`protocol: ${e.info}`));
    client.on('disconnect', (e: { reason: string; info?: string }) => {
      if (e.reason !== 'completed') refused = true;
      if (!o.probe) note(`disconnect ${e.reason}${e.info ? `: ${e.info}` : ''}`);
    });
    client.on('closed', () => (closedCleanly = true));
    try {
      await client.connect();
    } catch (err) {
      note(`connect: ${errorMessage(err)}`);
      settle(client, false);
      return;
    }
    client.once('socketClose', () => {
      if (!closedCleanly) note('socket closed before closed');
      settle(client, closedCleanly && !refused);
    });
    client.on('opened', () => {
      opened++;
      if (client.openLatencyMs !== undefined) openLatencies.push(client.openLatencyMs);
      o.onSessionOpened?.(client);
      if (o.probe) {
        client.close('end');
        return;
      }
      const now = performance.now();
      const s: Live = { client, source: sourceFor(client.core.media, audio, o.frameMs), t0: now, ticks: 0, nextPing: now + Math.min(1000, pingInterval), script: [...(o.script ?? [])], done: false };
      // REF client: a second ping right after the first pong, to get an RTT sample early.
      let pongs = 0;
      client.on('pong', () => {
        if (++pongs === 1) client.ping();
      });
      live.add(s);
      pacer.add(s, s.t0);
    });
    client.open();
  }

  await ramp(o.sessions, o.connectRate, () => void one());
  const hardLimit = setTimeout(resolveAll, (o.durationSeconds + 30) * 1000 + (o.sessions / o.connectRate) * 1000);
  await allDone;
  clearTimeout(hardLimit);
  clearInterval(ticker);
  clearInterval(pacing);
  return {
    sessions: o.sessions,
    opened,
    completed,
    failed: o.sessions - completed,
    openLatencyMs: summarize(openLatencies),
    rttMs: summarize(rtts),
    framesSent,
    bytesSent,
    errors,
    wallSeconds: (performance.now() - started) / 1000,
  };
}
