/**
 * Pure AudioHook server session: messages in, effects out. No sockets, no
 * timers, no storage — the adapter in src/capture executes the effects.
 *
 * Conformance notes (Genesys AudioHook protocol docs, "Session lifecycle"; where Genesys's reference server differs, we follow the protocol):
 *  - `opened` is produced synchronously from the `decideOpen` hook (local state only);
 *  - the timeline advances by samples *plus* `resumed.discarded` and `discarded`;
 *  - `update` is answered with `updated`; every `close` gets exactly one `closed`;
 *  - stray audio (paused/opening/no media) is dropped and reported, not fatal;
 *  - after a `disconnect(error)` the session stays lenient so the client's
 *    `close` still gets its `closed` and pings still get pongs.
 */
import { formatDuration, parseDuration, samplesToNanos, type Nanos } from './duration.js';
import { DEFAULT_MEDIA_POLICY, selectMedia, type MediaPolicy } from './media.js';
import {
  MAX_TEXT_LENGTH,
  NIL_UUID,
  PROTOCOL_VERSION,
  frameUnit,
  isProbe,
  type ClientMessage,
  type CloseReason,
  type DisconnectReason,
  type EventEntity,
  type MediaParameter,
  type OpenParameters,
  type ServerMessageType,
  type ServerParameters,
} from './messages.js';
import { exceedsDepth, isObject, validateClientMessage } from './validate.js';

export type SessionState = 'preparing' | 'opening' | 'active' | 'paused' | 'closed' | 'disconnected';

export type OpenDecision =
  | { type: 'accept'; startPaused?: boolean; discardTo?: Nanos; selectMedia?: boolean }
  | { type: 'reject'; reason: DisconnectReason; info?: string }
  | { type: 'defer' };

export type Effect =
  | { kind: 'send'; type: ServerMessageType; text: string }
  | { kind: 'opened'; open: OpenParameters; media: MediaParameter | undefined; startPaused: boolean; probe: boolean }
  | { kind: 'audio'; data: Uint8Array; position: Nanos; samples: number }
  | { kind: 'paused'; position: Nanos }
  | { kind: 'resumed'; start: Nanos; discarded: Nanos; position: Nanos }
  | { kind: 'discarded'; start: Nanos; discarded: Nanos; position: Nanos }
  | { kind: 'update'; parameters: Record<string, unknown> }
  | { kind: 'rtt'; rtt: Nanos }
  | { kind: 'clientError'; code: number; message: string; retryAfter?: Nanos }
  | { kind: 'clientMessage'; message: ClientMessage }
  | { kind: 'closing'; reason: CloseReason | string }
  | { kind: 'disconnecting'; reason: DisconnectReason; info?: string }
  | { kind: 'protocolError'; info: string }
  | { kind: 'strayAudio'; bytes: number; state: SessionState }
  | { kind: 'positionMismatch'; ours: Nanos; theirs: Nanos }
  | { kind: 'ignored'; what: string }
  | { kind: 'finalized'; closedSent: boolean };

export interface ServerSessionOptions {
  /** Value of the Audiohook-Session-Id header (the nil UUID is adopted from the first message). */
  sessionId: string;
  /** Decides the open transaction from local state only. Must not do I/O. */
  decideOpen: (open: OpenParameters) => OpenDecision;
  mediaPolicy?: MediaPolicy;
  /** Languages listed in `opened` when the client asks with `supportedLanguages: true`. */
  supportedLanguages?: string[];
  maxTextLength?: number;
  /** Smallest position difference reported as a mismatch (default: 1 ms or one frame, whichever is larger). */
  positionToleranceNs?: Nanos;
  /** Monotonic clock in ns (default: process.hrtime); the timeline may not outrun it. */
  now?: () => Nanos;
  /** How far the timeline may run ahead of the wall-clock time since `open` (default 5 s). */
  timelineToleranceNs?: Nanos;
  /** Deepest JSON nesting a client message may have (default MAX_JSON_DEPTH). */
  maxJsonDepth?: number;
  /**
   * Put `startPaused` in `opened` even when false. AudioConnector clients have been seen to require it
   * (Azure's art-voice-agent-accelerator always sends it); AudioHook omits it when false.
   */
  explicitStartPaused?: boolean;
}

/** Deep enough for any real customConfig; shallow enough that no consumer (sinks, loggers) overflows its stack. */
export const MAX_JSON_DEPTH = 32;
const DEFAULT_TIMELINE_TOLERANCE_NS = 5_000_000_000;
const monotonicNs = (): Nanos => Number(process.hrtime.bigint());

// Frozen so a caller that pushes into a "no effects" result fails loudly.
const NONE: Effect[] = Object.freeze([]) as unknown as Effect[];
const ONE_MS = 1_000_000;

export class ServerSession {
  readonly options: ServerSessionOptions;
  private id: string;
  private _state: SessionState = 'preparing';
  private lastClientSeq = 0;
  private serverSeq = 0;
  private signaledError = false;
  private disconnectSent = false;
  private closedSent = false;
  private _open: OpenParameters | undefined;
  private _media: MediaParameter | undefined;
  private unit = 1;
  private rate = 8000;
  private receivedSamples = 0;
  private discardedNs = 0;
  private lastFrameNs = 0;
  /** While paused: the furthest position the client reported (its timeline keeps running). */
  private pausedUntilNs = 0;
  private startPausedPending = false;
  /** A discardTo we asked for that the client has not caught up with yet. */
  private pendingDiscardTo: Nanos | undefined;
  /** Clock reading when `open` arrived: the timeline starts there. */
  private openedAtNs = 0;

  constructor(options: ServerSessionOptions) {
    this.options = options;
    this.id = options.sessionId;
  }

  get state(): SessionState {
    return this._state;
  }
  get sessionId(): string {
    return this.id;
  }
  get open(): OpenParameters | undefined {
    return this._open;
  }
  get media(): MediaParameter | undefined {
    return this._media;
  }
  get isProbe(): boolean {
    return this._open !== undefined && isProbe(this._open);
  }
  get clientSeq(): number {
    return this.lastClientSeq;
  }
  get seq(): number {
    return this.serverSeq;
  }
  get disconnected(): boolean {
    return this.disconnectSent;
  }
  get closed(): boolean {
    return this.closedSent;
  }
  /**
   * Stream timeline: samples received plus everything the client reported as
   * discarded. During a pause the client's timeline keeps running but the
   * discarded time is only announced by `resumed`, so until then the position
   * follows the client's own `position` (pings, close): a call that ends inside
   * a pause ends at the client's timeline, not where the pause began.
   */
  get position(): Nanos {
    return Math.max(this.streamedPosition(), this.pausedUntilNs);
  }
  get discarded(): Nanos {
    return this.discardedNs;
  }

  // ---- inbound ----------------------------------------------------------------

  handleText(text: string): Effect[] {
    if (this._state === 'disconnected') return NONE;
    if (text.length > (this.options.maxTextLength ?? MAX_TEXT_LENGTH)) {
      return this.protocolError('Text message too large (>64K)');
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      return this.protocolError('Invalid JSON');
    }
    if (exceedsDepth(raw, this.options.maxJsonDepth ?? MAX_JSON_DEPTH)) return this.protocolError('JSON nested too deeply');
    if (this.signaledError) return this.handleLenient(raw);

    const v = validateClientMessage(raw);
    if (!v.ok) {
      this.noteSeq(raw);
      return this.protocolError(v.error);
    }
    const msg = v.value;
    if (msg.id !== this.id) {
      if (this.id === NIL_UUID && this.lastClientSeq === 0) this.id = msg.id;
      else {
        this.noteSeq(raw);
        return this.protocolError('Session identifier mismatch');
      }
    }
    if (msg.seq !== this.lastClientSeq + 1) {
      this.noteSeq(raw);
      return this.protocolError('Invalid seq value (not monotonically increasing)');
    }
    if (msg.serverseq > this.serverSeq) {
      this.lastClientSeq = msg.seq;
      return this.protocolError('Invalid serverseq value');
    }
    this.lastClientSeq = msg.seq;
    if (this._state === 'paused') this.notePausedPosition(msg.position);
    if (this._state === 'preparing' && msg.type !== 'open' && msg.type !== 'close' && msg.type !== 'ping') {
      return this.protocolError(`Unexpected ${msg.type} before open`);
    }
    const before = this._state;
    const out = this.dispatch(msg);
    const mismatch = this.checkPosition(msg, before);
    return mismatch ? [...out, mismatch] : out;
  }

  handleBinary(data: Uint8Array): Effect[] {
    // Zero bytes is zero whole samples, in any state: Genesys's reference client sends one during its
    // connection probe, and a probe that fails blocks activating the integration.
    if (data.length === 0 || this._state === 'disconnected') return NONE;
    const media = this._media;
    if (this._state !== 'active' || media === undefined) {
      return [{ kind: 'strayAudio', bytes: data.length, state: this._state }];
    }
    if (data.length % this.unit !== 0) {
      return this.protocolError(`Audio frame of ${data.length} bytes is not a whole number of samples`);
    }
    const samples = data.length / this.unit;
    const position = this.position;
    this.receivedSamples += samples;
    this.lastFrameNs = samplesToNanos(samples, this.rate);
    return [{ kind: 'audio', data, position, samples }];
  }

  /** The WebSocket went away (with or without a close transaction). */
  handleSocketClosed(): Effect[] {
    if (this._state === 'disconnected') return NONE;
    this._state = 'disconnected';
    return [{ kind: 'finalized', closedSent: this.closedSent }];
  }

  // ---- server-initiated -----------------------------------------------------------

  /** Completes an open the `decideOpen` hook deferred. */
  completeOpen(decision: Exclude<OpenDecision, { type: 'defer' }>): Effect[] {
    if (this._state !== 'opening' || this._open === undefined) return NONE;
    return this.applyOpenDecision(this._open, decision);
  }

  pause(): Effect[] {
    if (this._state === 'opening') {
      this.startPausedPending = true;
      return NONE;
    }
    if (this._state !== 'active' && this._state !== 'paused') return NONE;
    if (this.disconnectSent) return NONE;
    return [this.send('pause', {})];
  }

  resume(): Effect[] {
    if (this._state === 'opening') {
      this.startPausedPending = false;
      return NONE;
    }
    if (this._state !== 'active' && this._state !== 'paused') return NONE;
    if (this.disconnectSent) return NONE;
    return [this.send('resume', {})];
  }

  disconnect(reason: DisconnectReason, info?: string, outputVariables?: Record<string, string>): Effect[] {
    if (this.disconnectSent || this.closedSent) return NONE;
    if (this._state === 'closed' || this._state === 'disconnected') return NONE;
    this.disconnectSent = true;
    if (reason === 'error') this.signaledError = true;
    const params: ServerParameters['disconnect'] = { reason };
    if (info !== undefined) params.info = info;
    if (outputVariables !== undefined) params.outputVariables = outputVariables;
    return [this.send('disconnect', params), { kind: 'disconnecting', reason, ...(info !== undefined ? { info } : {}) }];
  }

  sendEvent(entities: EventEntity[]): Effect[] {
    if (this._state !== 'active' && this._state !== 'paused') return NONE;
    if (this.disconnectSent) return NONE;
    const seq = this.serverSeq + 1;
    const text = this.serialize('event', seq, { entities });
    if (text.length > MAX_TEXT_LENGTH) return [{ kind: 'ignored', what: 'event larger than 64K not sent' }];
    this.serverSeq = seq;
    return [{ kind: 'send', type: 'event', text }];
  }

  // ---- internals -------------------------------------------------------------------

  private dispatch(msg: ClientMessage): Effect[] {
    switch (msg.type) {
      case 'open':
        return this.onOpen(msg.parameters);
      case 'close':
        return this.onClose(msg.parameters.reason);
      case 'ping':
        return this.onPing(msg.parameters.rtt);
      case 'paused':
        if (this._state === 'active') {
          this._state = 'paused';
          return [{ kind: 'paused', position: this.position }];
        }
        return NONE;
      case 'resumed':
        return this.onResumed(msg.parameters.start, msg.parameters.discarded);
      case 'discarded': {
        const start = parseDuration(msg.parameters.start) ?? 0;
        const discarded = parseDuration(msg.parameters.discarded) ?? 0;
        if (this.outrunsClock(discarded)) return this.protocolError('discarded: timeline runs ahead of the session time');
        this.discardedNs += discarded;
        return [{ kind: 'discarded', start, discarded, position: this.position }];
      }
      case 'update':
        if (this._state === 'closed') return NONE;
        return [this.send('updated', {}), { kind: 'update', parameters: msg.parameters }];
      case 'error': {
        const e: Effect = { kind: 'clientError', code: msg.parameters.code, message: msg.parameters.message };
        const ra = msg.parameters.retryAfter !== undefined ? parseDuration(msg.parameters.retryAfter) : undefined;
        if (ra !== undefined) e.retryAfter = ra;
        return [e];
      }
      default:
        return [{ kind: 'clientMessage', message: msg }];
    }
  }

  private onOpen(open: OpenParameters): Effect[] {
    if (this._state !== 'preparing' || this.disconnectSent) return [{ kind: 'ignored', what: 'open' }];
    this._state = 'opening';
    this._open = open;
    this.openedAtNs = this.now();
    return this.applyOpenDecision(open, this.options.decideOpen(open));
  }

  private applyOpenDecision(open: OpenParameters, decision: OpenDecision): Effect[] {
    if (decision.type === 'defer') return NONE;
    if (decision.type === 'reject') return this.disconnect(decision.reason, decision.info);
    const policy = this.options.mediaPolicy ?? DEFAULT_MEDIA_POLICY;
    const media = decision.selectMedia === false ? undefined : selectMedia(open.media, policy);
    if (media === undefined && open.media.length > 0 && decision.selectMedia !== false && policy.onNoMatch === 'disconnect') {
      return this.disconnect('error', 'No acceptable media offered');
    }
    const startPaused = (decision.startPaused ?? false) || this.startPausedPending;
    const params: ServerParameters['opened'] = { media: media ? [media] : [] };
    if (startPaused || this.options.explicitStartPaused === true) params.startPaused = startPaused;
    if (decision.discardTo !== undefined && decision.discardTo > 0) {
      params.discardTo = formatDuration(decision.discardTo);
      this.pendingDiscardTo = decision.discardTo;
    }
    if (open.supportedLanguages === true) params.supportedLanguages = this.options.supportedLanguages ?? [];
    this._media = media;
    if (media) {
      this.unit = frameUnit(media);
      this.rate = media.rate;
    }
    this._state = startPaused ? 'paused' : 'active';
    return [
      this.send('opened', params),
      { kind: 'opened', open, media, startPaused, probe: isProbe(open) },
    ];
  }

  private onClose(reason: string): Effect[] {
    if (this.closedSent) return NONE;
    this._state = 'closed';
    this.closedSent = true;
    return [{ kind: 'closing', reason }, this.send('closed', {})];
  }

  private onPing(rtt: string | undefined): Effect[] {
    const pong = this.send('pong', {});
    const r = rtt !== undefined ? parseDuration(rtt) : undefined;
    return r !== undefined ? [pong, { kind: 'rtt', rtt: r }] : [pong];
  }

  private onResumed(startText: string, discardedText: string): Effect[] {
    const start = parseDuration(startText) ?? 0;
    const discarded = parseDuration(discardedText) ?? 0;
    if (this.outrunsClock(discarded)) return this.protocolError('resumed: timeline runs ahead of the session time');
    this.discardedNs += discarded;
    // `resume` while streaming is answered with `resumed` (discarded PT0S): not the end of a pause.
    if (this._state !== 'paused') {
      return discarded > 0 ? [{ kind: 'discarded', start, discarded, position: this.position }] : [{ kind: 'ignored', what: 'resumed while streaming' }];
    }
    // A client whose `discarded` falls short of the positions it reported while paused must not move us backwards.
    this.discardedNs += Math.max(0, this.pausedUntilNs - this.streamedPosition());
    this.pausedUntilNs = 0;
    this._state = 'active';
    return [{ kind: 'resumed', start, discarded, position: this.position }];
  }

  private now(): Nanos {
    return (this.options.now ?? monotonicNs)();
  }

  /**
   * A client reports discards, it does not send them: trusted blindly, one small
   * message could claim hours and make every sink write hours of silence. The
   * timeline, discards included, may not get ahead of the time since `open`.
   * Measured from the streamed position: during a pause `position` already
   * follows the client's timeline, which `resumed.discarded` covers again.
   */
  private outrunsClock(discarded: Nanos): boolean {
    const elapsed = this.now() - this.openedAtNs;
    const tolerance = this.options.timelineToleranceNs ?? DEFAULT_TIMELINE_TOLERANCE_NS;
    return this.streamedPosition() + discarded > elapsed + tolerance;
  }

  /** After a disconnect(error): answer only close and ping, whatever their sequencing. */
  private handleLenient(raw: unknown): Effect[] {
    if (!isObject(raw)) return NONE;
    this.noteSeq(raw);
    if (raw.type === 'close') {
      const reason = isObject(raw.parameters) && typeof raw.parameters.reason === 'string' ? raw.parameters.reason : 'error';
      return this.onClose(reason);
    }
    if (raw.type === 'ping' && !this.closedSent) return [this.send('pong', {})];
    return NONE;
  }

  private streamedPosition(): Nanos {
    return samplesToNanos(this.receivedSamples, this.rate) + this.discardedNs;
  }

  private notePausedPosition(position: string): void {
    const theirs = parseDuration(position);
    if (theirs !== undefined && theirs > this.pausedUntilNs) this.pausedUntilNs = theirs;
  }

  private noteSeq(raw: unknown): void {
    if (isObject(raw) && typeof raw.seq === 'number' && Number.isSafeInteger(raw.seq) && raw.seq > this.lastClientSeq) {
      this.lastClientSeq = raw.seq;
    }
  }

  private protocolError(info: string): Effect[] {
    const out: Effect[] = [{ kind: 'protocolError', info }];
    if (this.signaledError) return out;
    if (this.disconnectSent || this.closedSent) {
      // A disconnect is already on its way; just stop validating strictly.
      this.signaledError = true;
      return out;
    }
    return out.concat(this.disconnect('error', info));
  }

  /** The client's `position` should equal our timeline whenever audio is flowing. */
  private checkPosition(msg: ClientMessage, before: SessionState): Effect | undefined {
    if (this._media === undefined || this.isProbe) return undefined;
    if (before !== 'active' && this._state !== 'active') return undefined;
    const theirs = parseDuration(msg.position);
    if (theirs === undefined) return undefined;
    const ours = this.position;
    // Until the client announces the skip we asked for, its position runs ahead of ours by design.
    if (this.pendingDiscardTo !== undefined) {
      if (ours < this.pendingDiscardTo) return undefined;
      this.pendingDiscardTo = undefined;
    }
    const tolerance = this.options.positionToleranceNs ?? Math.max(ONE_MS, this.lastFrameNs);
    return Math.abs(ours - theirs) > tolerance ? { kind: 'positionMismatch', ours, theirs } : undefined;
  }

  private send<T extends ServerMessageType>(type: T, parameters: ServerParameters[T]): Effect {
    this.serverSeq += 1;
    return { kind: 'send', type, text: this.serialize(type, this.serverSeq, parameters) };
  }

  private serialize<T extends ServerMessageType>(type: T, seq: number, parameters: ServerParameters[T]): string {
    return JSON.stringify({ version: PROTOCOL_VERSION, id: this.id, type, seq, clientseq: this.lastClientSeq, parameters });
  }
}
