/**
 * Stream sink ("downstream forwarding"): for each admitted session, one
 * WebSocket per tenant destination carrying the stream protocol
 * (docs/stream-protocol.md) — `start`, binary audio, control messages with
 * timeline positions, `end`.
 *
 * The audio path never waits on a destination: frames are sent only while the
 * socket's send buffer is under its bound, otherwise dropped and counted; a
 * ring of the last N seconds is kept so a reconnect can replay what the
 * destination may have missed. The receiver places every frame by position,
 * so a replay is idempotent.
 */
import WebSocket from 'ws';
import type { DownstreamConfig } from '../../tenants/index.js';
import type { Logger } from '../../platform/logging/index.js';
import { backoffDelay, type Backoff } from '../../platform/util/backoff.js';
import { redactUrl } from '../../platform/util/redact-url.js';
import { bytesPerSample, formatDuration, parseDuration, samplesToNanos, type Nanos } from '../../protocol/audiohook/index.js';
import type { SessionInfo, Sink, SinkControl, SinkEnd, SinkSession } from './port.js';
import { STREAM_PROTOCOL_VERSION, type ChannelRole, type StreamMessage, type StreamStart } from '../../protocol/stream/index.js';

export interface StreamSinkOptions {
  /** The tenant's destinations, from local state (must not do I/O). */
  destinations: (orgId: string) => DownstreamConfig[];
  replayBufferSeconds: number;
  /** Per destination socket: frames are dropped while more than this is waiting to be sent. */
  maxBufferedBytes: number;
  /** After the call ends, how long to keep trying to deliver the rest to a destination that is down. */
  deliverAfterEndMs: number;
  log: Logger;
  onDrop: (n?: number) => void;
  backoff?: { initialMs: number; maxMs: number };
}

type AudioEntry = { kind: 'audio'; data: Uint8Array; position: Nanos; end: Nanos; samples: number; sent: boolean };
type Entry = AudioEntry | { kind: 'control'; message: StreamMessage };

const isAudio = (e: Entry): e is AudioEntry => e.kind === 'audio';

const ROLE: Record<string, ChannelRole> = { external: 'customer', internal: 'agent' };

export class StreamSink implements Sink {
  readonly name = 'stream';

  constructor(private readonly o: StreamSinkOptions) {}

  open(info: SessionInfo): SinkSession | undefined {
    const forwarders = this.o.destinations(info.orgId)
      .map((d) => Forwarder.create(info, d, this.o))
      .filter((f): f is Forwarder => f !== undefined);
    if (forwarders.length === 0) return undefined;
    return {
      audio: (data, position, samples) => {
        for (const f of forwarders) f.audio(data, position, samples);
      },
      control: (e) => {
        for (const f of forwarders) f.control(e);
      },
      end: async (s) => {
        await Promise.all(forwarders.map((f) => f.end(s)));
      },
    };
  }
}

/** Picks the destination's channels out of the interleaved frame. */
function channelPlan(info: SessionInfo, d: DownstreamConfig): { indexes: number[]; roles: ChannelRole[] } {
  const all = info.media.channels.map((c, i) => ({ i, role: ROLE[c] ?? 'customer' }));
  const wanted = d.channels === 'both' ? all : all.filter((c) => c.role === d.channels);
  return { indexes: wanted.map((c) => c.i), roles: wanted.map((c) => c.role) };
}

function agentOf(a: SessionInfo['agent']): StreamStart['agent'] {
  return a ? { id: a.id, name: a.name, email: a.email } : null;
}

function entryPosition(e: Entry): Nanos {
  if (e.kind === 'audio') return e.position;
  const m = e.message;
  const text = m.type === 'gap' ? m.from : m.position;
  return parseDuration(text) ?? 0;
}

class Forwarder {
  private ws: WebSocket | undefined;
  private ring: Entry[] = [];
  private ringSamples = 0;
  private receiverPos: Nanos;
  /** End of the furthest frame ever sent: what the destination may already have. */
  private sentEnd: Nanos | undefined;
  private connects = 0;
  /** The agent as of the oldest ring entry: `start` must not announce a later tag that a replayed `tagged` repeats. */
  private startAgent: StreamStart['agent'];
  private dropped = 0;
  private ended = false;
  private closed = false;
  /** Reconnects since the socket was last open: drives the backoff. */
  private reconnects = 0;
  private readonly reconnectBackoff: Backoff;
  private timer: NodeJS.Timeout | undefined;
  private endResolve: (() => void) | undefined;
  private readonly maxRingSamples: number;
  private readonly bps: number;
  private readonly log: Logger;

  static create(info: SessionInfo, d: DownstreamConfig, o: StreamSinkOptions): Forwarder | undefined {
    const plan = channelPlan(info, d);
    if (plan.indexes.length === 0) {
      o.log.warn({ destination: d.name ?? redactUrl(d.url), channels: d.channels }, 'session has none of the channels this destination wants');
      return undefined;
    }
    return new Forwarder(info, d, o, plan);
  }

  private constructor(
    private readonly info: SessionInfo,
    private readonly d: DownstreamConfig,
    private readonly o: StreamSinkOptions,
    private readonly plan: { indexes: number[]; roles: ChannelRole[] },
  ) {
    this.bps = bytesPerSample(info.media.format);
    this.maxRingSamples = Math.round(o.replayBufferSeconds * info.media.rate);
    this.receiverPos = info.admittedPosition;
    this.startAgent = agentOf(info.agent);
    this.reconnectBackoff = { baseMs: o.backoff?.initialMs ?? 250, maxMs: o.backoff?.maxMs ?? 5000 };
    this.log = o.log.child({ sessionId: info.sessionId, destination: d.name ?? redactUrl(d.url) });
    this.connect();
  }

  audio(data: Uint8Array, position: Nanos, samples: number): void {
    const payload = this.plan.indexes.length === this.info.media.channels.length ? data : this.extract(data);
    const entry: Entry = { kind: 'audio', data: payload, position, end: position + samplesToNanos(samples, this.info.media.rate), samples, sent: false };
    this.push(entry);
    const ws = this.openSocket();
    if (ws) this.sendAudio(ws, entry, 'backpressure');
  }

  control(e: SinkControl): void {
    const message = this.toMessage(e);
    if (!message) return;
    this.push({ kind: 'control', message });
    if (this.isOpen()) this.sendControl(message);
  }

  end(summary: SinkEnd): Promise<void> {
    this.ended = true;
    const message: StreamMessage = {
      type: 'end',
      reason: summary.reason,
      position: formatDuration(summary.position),
      endTime: summary.endedAt,
      droppedFrames: 0,
    };
    this.ring.push({ kind: 'control', message });
    return new Promise((resolve) => {
      this.endResolve = resolve;
      // Open: finish now. Otherwise a (re)connect is pending and will replay up to `end`.
      const ws = this.openSocket();
      if (ws) this.finish(ws, message);
      setTimeout(() => this.giveUp(), this.o.deliverAfterEndMs).unref();
    });
  }

  // ---- connection ---------------------------------------------------------------------

  private connect(): void {
    if (this.closed) return;
    const headers: Record<string, string> = {};
    if (this.d.bearerToken) headers.authorization = `Bearer ${this.d.bearerToken}`;
    if (this.d.header) headers[this.d.header.name.toLowerCase()] = this.d.header.value;
    // The protocol is one-way: a downstream has nothing large to say (the ws default would take 100 MiB).
    const ws = new WebSocket(this.d.url, { headers, perMessageDeflate: false, maxPayload: 64 * 1024 });
    this.ws = ws;
    ws.on('open', () => this.onOpen(ws));
    ws.on('error', (err) => this.log.debug({ err: err.message }, 'downstream socket error'));
    ws.on('close', () => this.onClose(ws));
    ws.on('message', () => undefined); // the protocol is one-way; replies are ignored
  }

  private onOpen(ws: WebSocket): void {
    this.reconnects = 0;
    const resumed = this.connects++ > 0;
    const first = this.ring.find(isAudio);
    // The first connection starts where the session was admitted, however late it connects (what it
    // missed meanwhile is replayed from the ring); a reconnect starts at the oldest entry it replays.
    if (resumed && this.ring[0]) this.receiverPos = entryPosition(this.ring[0]);
    if (resumed) this.log.info({ replay: this.ring.length }, 'downstream reconnected; replaying');
    this.sendControl(this.startMessage(resumed));
    // Audio that fell out of the ring while the destination was away is gone: say so.
    if (resumed && first && this.sentEnd !== undefined && first.position > this.sentEnd) {
      this.sendControl({ type: 'gap', from: formatDuration(this.sentEnd), to: formatDuration(first.position), reason: 'downstream-unavailable' });
    }
    // Replay everything still in the ring, in order (frames go by position, so repeats are harmless).
    for (const e of this.ring) {
      if (e.kind === 'audio') this.sendAudio(ws, e, 'downstream-unavailable');
      else if (e.message.type === 'end') return this.finish(ws, e.message);
      else this.sendControl(e.message);
    }
  }

  private onClose(ws: WebSocket): void {
    if (ws !== this.ws || this.closed) return;
    this.ws = undefined;
    const delayMs = backoffDelay(++this.reconnects, this.reconnectBackoff);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.connect();
    }, delayMs);
    this.timer.unref();
  }

  private isOpen(): boolean {
    return this.openSocket() !== undefined;
  }

  private openSocket(): WebSocket | undefined {
    return this.ws?.readyState === WebSocket.OPEN ? this.ws : undefined;
  }

  // ---- sending ------------------------------------------------------------------------

  private sendAudio(ws: WebSocket, e: AudioEntry, reason: 'backpressure' | 'downstream-unavailable'): void {
    if (ws.bufferedAmount > this.o.maxBufferedBytes) {
      if (!e.sent) this.drop(1);
      return;
    }
    if (e.position !== this.receiverPos) {
      ws.send(JSON.stringify({ type: 'gap', from: formatDuration(this.receiverPos), to: formatDuration(e.position), reason }));
    }
    ws.send(e.data);
    e.sent = true;
    this.receiverPos = e.end;
    if (this.sentEnd === undefined || e.end > this.sentEnd) this.sentEnd = e.end;
  }

  private sendControl(m: StreamMessage): void {
    // After resumed/discarded the receiver places the next frame at the message's position.
    if (m.type === 'resumed' || m.type === 'discarded') this.receiverPos = parseDuration(m.position) ?? this.receiverPos;
    this.ws?.send(JSON.stringify(m));
  }

  private finish(ws: WebSocket, end: Extract<StreamMessage, { type: 'end' }>): void {
    end.droppedFrames = this.dropped;
    this.sendControl(end);
    const waitFlush = () => {
      if (ws.bufferedAmount === 0 || ws.readyState !== WebSocket.OPEN) {
        ws.close(1000, 'end');
        this.done();
      } else setTimeout(waitFlush, 20).unref();
    };
    waitFlush();
  }

  private giveUp(): void {
    if (this.closed) return;
    const unsent = this.ring.filter((e) => e.kind === 'audio' && !e.sent).length;
    if (unsent > 0) {
      this.drop(unsent);
      this.log.warn({ frames: unsent }, 'downstream unavailable at the end of the call; undelivered frames dropped');
    }
    this.ws?.terminate();
    this.done();
  }

  private done(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.ring = [];
    this.endResolve?.();
    this.endResolve = undefined;
  }

  // ---- ring and helpers ----------------------------------------------------------------

  private push(e: Entry): void {
    this.ring.push(e);
    if (e.kind !== 'audio') return;
    this.ringSamples += e.samples;
    while (this.ringSamples > this.maxRingSamples) {
      const old = this.ring.shift();
      if (old === undefined) break;
      if (old.kind === 'control' && old.message.type === 'tagged') this.startAgent = old.message.agent;
      if (old.kind !== 'audio') continue;
      this.ringSamples -= old.samples;
      if (!old.sent) this.drop(1);
    }
  }

  private drop(n: number): void {
    this.dropped += n;
    this.o.onDrop(n);
  }

  private extract(data: Uint8Array): Uint8Array {
    const stride = this.info.media.channels.length * this.bps;
    const width = this.plan.indexes.length * this.bps;
    const frames = data.length / stride;
    const out = new Uint8Array(frames * width);
    for (let f = 0; f < frames; f++) {
      let o = f * width;
      for (const ch of this.plan.indexes) {
        // In bounds by construction; `as number` only answers noUncheckedIndexedAccess, where a `?? 0` would
        // be a check per byte of audio.
        for (let b = 0; b < this.bps; b++) out[o++] = data[f * stride + ch * this.bps + b] as number;
      }
    }
    return out;
  }

  private startMessage(resumed: boolean): StreamStart {
    const i = this.info;
    return {
      type: 'start',
      version: STREAM_PROTOCOL_VERSION,
      tenant: i.orgId,
      conversationId: i.conversationId,
      sessionId: i.sessionId,
      agent: this.startAgent,
      participant: { id: i.participant.id, ani: i.participant.ani, aniName: i.participant.aniName, dnis: i.participant.dnis },
      queueId: i.conversation?.queueId,
      media: { format: i.media.format, rate: i.media.rate, channels: this.plan.indexes.length },
      channels: this.plan.roles,
      startTime: i.admittedAt,
      position: formatDuration(this.receiverPos),
      resumed,
    };
  }

  private toMessage(e: SinkControl): StreamMessage | undefined {
    switch (e.type) {
      case 'paused':
        return { type: 'paused', position: formatDuration(e.position) };
      case 'resumed':
        return { type: 'resumed', position: formatDuration(e.position), start: formatDuration(e.start), discarded: formatDuration(e.discarded) };
      case 'discarded':
        return { type: 'discarded', position: formatDuration(e.position), start: formatDuration(e.start), discarded: formatDuration(e.discarded) };
      case 'tagged':
        return { type: 'tagged', position: formatDuration(e.position), agent: agentOf(e.agent) };
      default:
        return undefined;
    }
  }
}
