/**
 * Stream sink ("downstream forwarding"): for each admitted session, one
 * WebSocket per tenant destination carrying the stream protocol
 * (docs/stream-protocol.md) — `start`, binary audio, control messages with
 * timeline positions, `end`.
 *
 * The audio path never waits on a destination: each frame is copied once into
 * the destination's byte ring (audio-ring.ts), which keeps the last N seconds
 * so a reconnect can replay what the destination may have missed. Contiguous
 * frames leave the ring as one binary message per `batchMs` of audio (fewer
 * messages, fewer syscalls: forwarding's cost is per message, not per byte),
 * only while the socket's send buffer is under its bound; audio that falls
 * out of the ring unsent is dropped and counted. The receiver places every
 * frame by position, so a replay is idempotent.
 */
import { randomFillSync } from 'node:crypto';
import WebSocket from 'ws';
import { DEFAULT_BATCH_MS, type DownstreamConfig } from '../../tenants/index.js';
import type { Logger } from '../../platform/logging/index.js';
import { backoffDelay, type Backoff } from '../../platform/util/backoff.js';
import { redactUrl } from '../../platform/util/redact-url.js';
import { bytesPerSample, formatDuration, parseDuration, samplesToNanos, type Nanos } from '../../protocol/audiohook/index.js';
import { AudioRing } from './audio-ring.js';
import { BatchTicker } from './batch-ticker.js';
import type { SessionInfo, Sink, SinkControl, SinkEnd, SinkSession } from './port.js';
import { STREAM_PROTOCOL_VERSION, type ChannelRole, type StreamMessage, type StreamStart } from '../../protocol/stream/index.js';

export interface StreamSinkOptions {
  /** The tenant's destinations, from local state (must not do I/O). */
  destinations: (orgId: string) => DownstreamConfig[];
  replayBufferSeconds: number;
  /** Per destination socket: audio waits in the ring while more than this is waiting to be sent. */
  maxBufferedBytes: number;
  /** After the call ends, how long to keep trying to deliver the rest to a destination that is down. */
  deliverAfterEndMs: number;
  log: Logger;
  onDrop: (n?: number) => void;
  backoff?: { initialMs: number; maxMs: number };
  /** Opens a destination socket (tests pass a fake); the default is a `ws` client. */
  connect?: (url: string, options: WebSocket.ClientOptions) => WebSocket;
  /** Monotonic milliseconds for batch deadlines (tests pass a fake clock). */
  now?: () => number;
  /** Told when a destination accepts a session's socket (true) and when that socket closes (false); must not block. */
  onConnection?: (info: SessionInfo, destination: DownstreamConfig, open: boolean) => void;
}

/** A control message and its place among the audio: it comes before frame `before`. */
interface QueuedControl {
  before: number;
  message: StreamMessage;
  position: Nanos;
}

const ROLE: Record<string, ChannelRole> = { external: 'customer', internal: 'agent' };

/** A binary message never exceeds the 64 KiB a destination is asked to accept (docs/stream-protocol.md). */
export const MAX_MESSAGE_BYTES = 64 * 1024;
/** How often the shared ticker sends batches that waited `batchMs`: the most a timed flush is late. */
const TICK_MS = 5;
/** Frame slots per second of ring: frames of 10 ms or longer fill the time bound before the slots. */
const SLOTS_PER_SECOND = 100;

export class StreamSink implements Sink {
  readonly name = 'stream';
  private readonly ticker: BatchTicker;

  constructor(private readonly o: StreamSinkOptions) {
    this.ticker = new BatchTicker(TICK_MS, o.now ?? (() => performance.now()));
  }

  open(info: SessionInfo): SinkSession | undefined {
    const forwarders = this.o.destinations(info.orgId)
      .map((d) => Forwarder.create(info, d, this.o, this.ticker))
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

function messagePosition(m: StreamMessage): Nanos {
  return parseDuration(m.type === 'gap' ? m.from : m.position) ?? 0;
}

/**
 * ws masks a client frame into a fresh buffer, so the socket never holds a view of the ring, unless
 * the mask is all zeros (then it sends the caller's bytes as they are). Never let it be.
 */
const maskPool = Buffer.alloc(8192);
let maskAt = maskPool.length;
function nonZeroMask(mask: Buffer): void {
  if (maskAt + 4 > maskPool.length) {
    randomFillSync(maskPool);
    maskAt = 0;
  }
  maskPool.copy(mask, 0, maskAt, maskAt + 4);
  maskAt += 4;
  if (mask.readUInt32LE(0) === 0) mask[0] = 1;
}

const defaultConnect = (url: string, options: WebSocket.ClientOptions): WebSocket => new WebSocket(url, options);

class Forwarder {
  private ws: WebSocket | undefined;
  private ring: AudioRing;
  /** Control messages still in the ring's span, in order; `ctrlCursor` is the next one unsent on this connection. */
  private controls: QueuedControl[] = [];
  private ctrlCursor = 0;
  /** The next frame not yet sent (or skipped) on this connection. */
  private cursor = 0;
  private endMessage: Extract<StreamMessage, { type: 'end' }> | undefined;
  private receiverPos: Nanos;
  /** End of the furthest frame ever sent: what the destination may already have. */
  private sentEnd: Nanos | undefined;
  private connects = 0;
  /** The agent as of the oldest ring entry: `start` must not announce a later tag that a replayed `tagged` repeats. */
  private startAgent: StreamStart['agent'];
  private gapReason: 'backpressure' | 'downstream-unavailable' = 'backpressure';
  private dropped = 0;
  private ended = false;
  private closed = false;
  private finishing = false;
  /** Reconnects since the socket was last open: drives the backoff. */
  private reconnects = 0;
  private readonly reconnectBackoff: Backoff;
  private timer: NodeJS.Timeout | undefined;
  private endResolve: (() => void) | undefined;
  private readonly bps: number;
  private readonly stride: number;
  private readonly width: number;
  private readonly batchMs: number;
  private readonly batchNs: Nanos;
  private readonly now: () => number;
  private readonly log: Logger;

  static create(info: SessionInfo, d: DownstreamConfig, o: StreamSinkOptions, ticker: BatchTicker): Forwarder | undefined {
    const plan = channelPlan(info, d);
    if (plan.indexes.length === 0) {
      o.log.warn({ destination: d.name ?? redactUrl(d.url), channels: d.channels }, 'session has none of the channels this destination wants');
      return undefined;
    }
    return new Forwarder(info, d, o, plan, ticker);
  }

  private constructor(
    private readonly info: SessionInfo,
    private readonly d: DownstreamConfig,
    private readonly o: StreamSinkOptions,
    private readonly plan: { indexes: number[]; roles: ChannelRole[] },
    private readonly ticker: BatchTicker,
  ) {
    this.bps = bytesPerSample(info.media.format);
    this.stride = info.media.channels.length * this.bps;
    this.width = plan.indexes.length * this.bps;
    this.batchMs = d.batchMs ?? DEFAULT_BATCH_MS;
    this.batchNs = this.batchMs * 1_000_000;
    this.now = o.now ?? (() => performance.now());
    this.ring = this.newRing();
    this.receiverPos = info.admittedPosition;
    this.startAgent = agentOf(info.agent);
    this.reconnectBackoff = { baseMs: o.backoff?.initialMs ?? 250, maxMs: o.backoff?.maxMs ?? 5000 };
    this.log = o.log.child({ sessionId: info.sessionId, destination: d.name ?? redactUrl(d.url) });
    this.connect();
  }

  /** Sized for the replay window, at least one batch, at the destination's channels. */
  private newRing(): AudioRing {
    const rate = this.info.media.rate;
    const seconds = Math.max(this.o.replayBufferSeconds, this.batchMs / 1000);
    return new AudioRing(
      {
        maxSamples: Math.round(seconds * rate),
        unit: this.width,
        maxFrames: Math.ceil(seconds * SLOTS_PER_SECOND) + 16,
        slackBytes: Math.max(2048, Math.round(rate / 2) * this.width),
      },
      (seq, sent) => this.onEvict(seq, sent),
    );
  }

  audio(data: Uint8Array, position: Nanos, samples: number): void {
    // A zero-byte frame is zero samples: nothing to forward (the timeline does not move).
    if (this.closed || data.length === 0) return;
    const whole = this.width === this.stride;
    const length = whole ? data.length : (data.length / this.stride) * this.width;
    const end = position + samplesToNanos(samples, this.info.media.rate);
    // Every frame in the ring waits unsent (the socket was backed up): send what it can take before evicting.
    if (this.cursor === this.ring.head && !this.ring.empty) this.pump(false);
    const { buf, offset } = this.ring.push(length, position, end, samples, this.now());
    if (whole) buf.set(data, offset);
    else this.extract(data, buf, offset);
    this.pump(false);
  }

  control(e: SinkControl): void {
    const message = this.toMessage(e);
    if (!message || this.closed) return;
    this.controls.push({ before: this.ring.tail, message, position: messagePosition(message) });
    this.pump(false);
  }

  end(summary: SinkEnd): Promise<void> {
    this.ended = true;
    this.endMessage = {
      type: 'end',
      reason: summary.reason,
      position: formatDuration(summary.position),
      endTime: summary.endedAt,
      droppedFrames: 0,
    };
    return new Promise((resolve) => {
      this.endResolve = resolve;
      // Open: flush and finish now. Otherwise a (re)connect is pending and will replay up to `end`.
      this.pump(true);
      setTimeout(() => this.giveUp(), this.o.deliverAfterEndMs).unref();
    });
  }

  /** The shared ticker: send a batch that has waited `batchMs`. */
  tick(now: number): boolean {
    if (this.closed || !this.openSocket()) return false;
    this.pump(this.ended, now);
    return this.cursor < this.ring.tail;
  }

  // ---- connection ---------------------------------------------------------------------

  private connect(): void {
    if (this.closed) return;
    const headers: Record<string, string> = {};
    if (this.d.bearerToken) headers.authorization = `Bearer ${this.d.bearerToken}`;
    if (this.d.header) headers[this.d.header.name.toLowerCase()] = this.d.header.value;
    // The protocol is one-way: a downstream has nothing large to say (the ws default would take 100 MiB).
    const ws = (this.o.connect ?? defaultConnect)(this.d.url, { headers, perMessageDeflate: false, maxPayload: 64 * 1024, generateMask: nonZeroMask });
    this.ws = ws;
    ws.on('open', () => this.onOpen(ws));
    ws.on('error', (err: Error) => this.log.debug({ err: err.message }, 'downstream socket error'));
    ws.on('close', () => this.onClose(ws));
    ws.on('message', () => undefined); // the protocol is one-way; replies are ignored
  }

  private onOpen(ws: WebSocket): void {
    if (this.closed) return;
    this.o.onConnection?.(this.info, this.d, true);
    this.reconnects = 0;
    const resumed = this.connects++ > 0;
    this.cursor = this.ring.head;
    this.ctrlCursor = 0;
    // The first connection starts where the session was admitted, however late it connects (what it
    // missed meanwhile is replayed from the ring); a reconnect starts at the oldest entry it replays.
    if (resumed) {
      const first = this.firstPosition();
      if (first !== undefined) this.receiverPos = first;
      this.log.info({ replay: this.ring.tail - this.ring.head + this.controls.length }, 'downstream reconnected; replaying');
    }
    this.send(ws, this.startMessage(resumed));
    // Audio that fell out of the ring while the destination was away is gone: say so.
    const oldest = this.ring.empty ? undefined : this.ring.position(this.ring.head);
    if (resumed && oldest !== undefined && this.sentEnd !== undefined && oldest > this.sentEnd) {
      this.send(ws, { type: 'gap', from: formatDuration(this.sentEnd), to: formatDuration(oldest), reason: 'downstream-unavailable' });
    }
    // Replay everything still in the ring, in order (frames go by position, so repeats are harmless).
    this.gapReason = 'downstream-unavailable';
    this.pump(true);
    this.gapReason = 'backpressure';
  }

  /** Position of the oldest entry kept: a control before the oldest frame, the oldest frame, or `end`. */
  private firstPosition(): Nanos | undefined {
    const c = this.controls[0];
    if (c && (c.before <= this.ring.head || this.ring.empty)) return c.position;
    if (!this.ring.empty) return this.ring.position(this.ring.head);
    return this.endMessage ? parseDuration(this.endMessage.position) : undefined;
  }

  private onClose(ws: WebSocket): void {
    if (ws !== this.ws || this.closed) return;
    this.ws = undefined;
    this.o.onConnection?.(this.info, this.d, false);
    this.ticker.unwatch(this);
    const delayMs = backoffDelay(++this.reconnects, this.reconnectBackoff);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.connect();
    }, delayMs);
    this.timer.unref();
  }

  private openSocket(): WebSocket | undefined {
    return this.ws?.readyState === WebSocket.OPEN ? this.ws : undefined;
  }

  // ---- sending ------------------------------------------------------------------------

  /**
   * Sends, in order, what is ready: control messages once the audio before them is out, and runs
   * of contiguous frames once a run holds `batchMs` of audio, has waited `batchMs`, is cut short
   * (by a control, a jump on the timeline or the message size) or `force` says so (a reconnect's
   * replay, the end of the call). Audio waits in the ring while the socket's buffer is over its bound.
   */
  private pump(force: boolean, now?: number): void {
    const ws = this.openSocket();
    if (!ws || this.finishing) return;
    for (;;) {
      const c = this.controls[this.ctrlCursor];
      if (c && c.before <= this.cursor) {
        this.sendControl(ws, c);
        this.ctrlCursor++;
        continue;
      }
      if (this.cursor >= this.ring.tail || ws.bufferedAmount > this.o.maxBufferedBytes) break;
      const limit = c ? c.before : this.ring.tail;
      const runEnd = this.run(this.cursor, limit);
      const ready = force || runEnd < limit || c !== undefined || this.full(this.cursor, runEnd) || (now ?? this.now()) - this.ring.arrivedAt(this.cursor) >= this.batchMs;
      if (!ready) break;
      this.sendRun(ws, this.cursor, runEnd);
    }
    // Audio still waiting (a batch filling up, or a full socket buffer): the ticker comes back for it.
    if (this.cursor < this.ring.tail) this.ticker.watch(this);
    else if (this.ended && this.ctrlCursor === this.controls.length && this.endMessage) this.finish(ws, this.endMessage);
  }

  /** The end (exclusive) of the run of frames from `from` that can go as one message, before `limit`. */
  private run(from: number, limit: number): number {
    if (this.batchMs === 0) return from + 1;
    const r = this.ring;
    let bytes = r.byteLength(from);
    let k = from + 1;
    while (k < limit && !this.full(from, k) && r.continues(k) && bytes + r.byteLength(k) <= MAX_MESSAGE_BYTES) {
      bytes += r.byteLength(k);
      k++;
    }
    return k;
  }

  /** Whether frames `from` … `to − 1` hold a batch's worth of audio. */
  private full(from: number, to: number): boolean {
    return this.ring.end(to - 1) - this.ring.position(from) >= this.batchNs;
  }

  private sendRun(ws: WebSocket, from: number, to: number): void {
    const r = this.ring;
    const position = r.position(from);
    if (position !== this.receiverPos) {
      this.send(ws, { type: 'gap', from: formatDuration(this.receiverPos), to: formatDuration(position), reason: this.gapReason });
    }
    ws.send(r.view(from, to));
    r.markSent(from, to);
    const end = r.end(to - 1);
    this.receiverPos = end;
    if (this.sentEnd === undefined || end > this.sentEnd) this.sentEnd = end;
    this.cursor = to;
  }

  private sendControl(ws: WebSocket, c: QueuedControl): void {
    const m = c.message;
    // Audio before a pause or a tag that was dropped: the receiver's timeline must reach the message first.
    if ((m.type === 'paused' || m.type === 'tagged') && c.position > this.receiverPos) {
      this.send(ws, { type: 'gap', from: formatDuration(this.receiverPos), to: formatDuration(c.position), reason: this.gapReason });
    }
    this.send(ws, m);
  }

  private send(ws: WebSocket, m: StreamMessage): void {
    // After resumed/discarded/gap the receiver places the next frame at the message's position.
    if (m.type === 'resumed' || m.type === 'discarded') this.receiverPos = parseDuration(m.position) ?? this.receiverPos;
    else if (m.type === 'gap') this.receiverPos = parseDuration(m.to) ?? this.receiverPos;
    ws.send(JSON.stringify(m));
  }

  private finish(ws: WebSocket, end: Extract<StreamMessage, { type: 'end' }>): void {
    this.finishing = true;
    end.droppedFrames = this.dropped;
    this.send(ws, end);
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
    const unsent = this.ring.unsentCount();
    if (unsent > 0) {
      this.drop(unsent);
      this.log.warn({ frames: unsent }, 'downstream unavailable at the end of the call; undelivered frames dropped');
    }
    this.ws?.terminate();
    this.done();
  }

  private done(): void {
    this.closed = true;
    this.ticker.unwatch(this);
    if (this.timer) clearTimeout(this.timer);
    this.ring = new AudioRing({ maxSamples: 0, unit: 1, maxFrames: 1, slackBytes: 0 }, () => undefined);
    this.controls = [];
    this.endResolve?.();
    this.endResolve = undefined;
  }

  // ---- ring and helpers ----------------------------------------------------------------

  /**
   * The oldest frame left the ring. Unsent, it is dropped. Control messages before it leave with
   * it; on an open connection the unsent ones are sent now, since the audio they followed is gone.
   */
  private onEvict(seq: number, sent: boolean): void {
    if (!sent) this.drop(1);
    const ws = this.openSocket();
    while (this.controls[0] && this.controls[0].before <= seq) {
      const c = this.controls.shift() as QueuedControl;
      if (c.message.type === 'tagged') this.startAgent = c.message.agent;
      if (this.ctrlCursor > 0) this.ctrlCursor--;
      else if (ws && !this.finishing) this.sendControl(ws, c);
    }
    if (this.cursor <= seq) this.cursor = seq + 1;
  }

  private drop(n: number): void {
    this.dropped += n;
    this.o.onDrop(n);
  }

  /** Copies the destination's channels of an interleaved frame into the ring. */
  private extract(data: Uint8Array, out: Buffer, at: number): void {
    const { stride, bps } = this;
    const frames = data.length / stride;
    let o = at;
    for (let f = 0; f < frames; f++) {
      for (const ch of this.plan.indexes) {
        // In bounds by construction; `as number` only answers noUncheckedIndexedAccess, where a `?? 0` would
        // be a check per byte of audio.
        for (let b = 0; b < bps; b++) out[o++] = data[f * stride + ch * bps + b] as number;
      }
    }
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
