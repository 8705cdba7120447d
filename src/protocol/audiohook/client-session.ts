/**
 * Pure AudioHook client session (the Genesys side): used by `hookline simulate`
 * and by the emulator's AudioHook dial-out.
 *
 * It behaves like the Genesys/REF client: open → opened (exact media check),
 * pings carrying the previous RTT, pause/resume with the position still
 * advancing while paused, `discardTo` honoured with a `discarded` message, and
 * strict checks of every server envelope (seq, clientseq, parameters).
 * Time enters only through `now()` and through `tick()`, which the adapter
 * calls once per frame period whether or not audio is being sent.
 *
 * With `connector: true` it is the AudioConnector client (Architect's "Call
 * Audio Connector"): server binary messages are bot audio to play out (an
 * `audio` effect) instead of a protocol violation, and it sends `dtmf`,
 * `playback_started` and `playback_completed`; `disconnect` carries the
 * bot's `outputVariables`.
 */
import { formatDuration, parseDuration, samplesToNanos, type Nanos } from './duration.js';
import {
  MAX_TEXT_LENGTH,
  PROTOCOL_VERSION,
  frameUnit,
  type CloseReason,
  type ClientMessageType,
  type ClientParameters,
  type DisconnectReason,
  type EventEntity,
  type MediaParameter,
  type OpenParameters,
} from './messages.js';
import { isObject, mediaEquals } from './validate.js';

export type ClientState = 'idle' | 'opening' | 'active' | 'paused' | 'closing' | 'closed';

export type ClientEffect =
  | { kind: 'send'; type: ClientMessageType; text: string }
  | { kind: 'binary'; data: Uint8Array }
  | { kind: 'opened'; media: MediaParameter | undefined; startPaused: boolean; discardTo?: Nanos; supportedLanguages?: string[] }
  | { kind: 'pong'; rtt: Nanos }
  | { kind: 'paused'; by: 'server' | 'client' }
  | { kind: 'resumed'; start: Nanos; discarded: Nanos }
  | { kind: 'updated' }
  | { kind: 'event'; entities: EventEntity[] }
  | { kind: 'audio'; data: Uint8Array }
  | { kind: 'disconnect'; reason: DisconnectReason | string; info?: string; outputVariables?: Record<string, string> }
  | { kind: 'reconnect'; info?: string }
  | { kind: 'closed' }
  | { kind: 'protocolError'; info: string };

export interface ClientSessionOptions {
  sessionId: string;
  open: OpenParameters;
  /** Monotonic milliseconds, used only for RTT. */
  now: () => number;
  /** AudioConnector: accept server audio, allow dtmf and playback messages. */
  connector?: boolean;
}

const NONE: ClientEffect[] = Object.freeze([]) as unknown as ClientEffect[];

export class ClientSession {
  private _state: ClientState = 'idle';
  private seq = 0;
  private lastServerSeq = 0;
  private samples = 0;
  private discardedNs = 0;
  private _media: MediaParameter | undefined;
  private rate = 8000;
  private unit = 2;
  private serverPaused = false;
  private clientPaused = false;
  private pauseStart = 0;
  private discardTo: Nanos | undefined;
  private discardFrom = 0;
  /** Time skipped so far to honour discardTo (announced once, when the skip ends). */
  private discardSkipped = 0;
  private pendingPing: { seq: number; at: number } | undefined;
  private lastRtt: Nanos | undefined;
  private _protocolErrors: string[] = [];

  constructor(readonly options: ClientSessionOptions) {}

  get state(): ClientState {
    return this._state;
  }
  get media(): MediaParameter | undefined {
    return this._media;
  }
  get position(): Nanos {
    return samplesToNanos(this.samples, this.rate) + this.discardedNs;
  }
  get protocolErrors(): readonly string[] {
    return this._protocolErrors;
  }
  get awaitingPong(): boolean {
    return this.pendingPing !== undefined;
  }
  get isStreaming(): boolean {
    return this._state === 'active';
  }

  /** Begins the open transaction. */
  start(): ClientEffect[] {
    if (this._state !== 'idle') return NONE;
    this._state = 'opening';
    return [this.send('open', this.options.open)];
  }

  /**
   * One frame period elapsed. Sends the frame when streaming; otherwise the
   * position still advances (Genesys keeps the timeline running while paused).
   */
  tick(frame: Uint8Array): ClientEffect[] {
    if (this._state !== 'active' && this._state !== 'paused') return NONE;
    const samples = Math.floor(frame.length / this.unit);
    const frameNs = samplesToNanos(samples, this.rate);
    if (this._state === 'paused') {
      this.discardedNs += frameNs;
      return NONE;
    }
    if (this.discardTo !== undefined) {
      if (this.position + frameNs <= this.discardTo) {
        this.discardedNs += frameNs;
        this.discardSkipped += frameNs;
        return NONE;
      }
      return this.finishDiscardTo(frame);
    }
    this.samples += samples;
    return [{ kind: 'binary', data: frame }];
  }

  /**
   * Time passes with nothing to send (the server selected `media: []`): the
   * position keeps running, as Genesys's does.
   */
  advance(ns: Nanos): void {
    if (this._state === 'active' || this._state === 'paused') this.discardedNs += ns;
  }

  ping(): ClientEffect[] {
    if (this._state === 'idle' || this._state === 'closed') return NONE;
    const params: ClientParameters['ping'] = {};
    if (this.lastRtt !== undefined) params.rtt = formatDuration(this.lastRtt);
    const effect = this.send('ping', params);
    this.pendingPing = { seq: this.seq, at: this.options.now() };
    return [effect];
  }

  /** Client-initiated pause (flow toggles, secure pause). */
  holdStart(): ClientEffect[] {
    this.clientPaused = true;
    if (this._state !== 'active') return NONE;
    return this.enterPause('client');
  }

  holdEnd(): ClientEffect[] {
    this.clientPaused = false;
    if (this._state !== 'paused' || this.serverPaused) return NONE;
    return this.leavePause();
  }

  /** Drops `ns` of audio without pausing and reports it. */
  discard(ns: Nanos): ClientEffect[] {
    if (this._state !== 'active') return NONE;
    const out = this.announceDiscardSkip();
    const start = this.position;
    this.discardedNs += ns;
    out.push(this.send('discarded', { start: formatDuration(start), discarded: formatDuration(ns) }));
    return out;
  }

  update(parameters: ClientParameters['update']): ClientEffect[] {
    if (this._state !== 'active' && this._state !== 'paused') return NONE;
    return [this.send('update', parameters)];
  }

  error(code: number, message: string, retryAfter?: string): ClientEffect[] {
    if (this._state === 'idle' || this._state === 'closed') return NONE;
    return [this.send('error', { code, message, ...(retryAfter !== undefined ? { retryAfter } : {}) })];
  }

  /** AudioConnector: one key press (Genesys sends one digit per message). */
  dtmf(digit: string): ClientEffect[] {
    if (!this.options.connector || !/^[0-9*#A-D]$/.test(digit)) throw new RangeError(`dtmf digit must be one of 0-9 * # A-D on a connector session (got ${JSON.stringify(digit)})`);
    if (this._state !== 'active' && this._state !== 'paused') return NONE;
    return [this.send('dtmf', { digit })];
  }

  /** AudioConnector: the bot's audio started playing to the caller (after being idle). */
  playbackStarted(): ClientEffect[] {
    return this.playback('playback_started');
  }

  /** AudioConnector: the playout queue drained (or was flushed by barge-in). */
  playbackCompleted(): ClientEffect[] {
    return this.playback('playback_completed');
  }

  close(reason: CloseReason): ClientEffect[] {
    if (this._state === 'idle' || this._state === 'closing' || this._state === 'closed') return NONE;
    // Closing in the middle of a discardTo skip: announce what was skipped so far.
    const out = this._state === 'active' ? this.announceDiscardSkip() : [];
    this.discardTo = undefined;
    this._state = 'closing';
    out.push(this.send('close', { reason }));
    return out;
  }

  /** Sends a raw text message (for conformance tests of hostile input). */
  raw(text: string): ClientEffect[] {
    return [{ kind: 'send', type: 'error', text }];
  }

  /** Sends a message with a chosen type and parameters, sequenced normally. */
  custom(type: string, parameters: Record<string, unknown>): ClientEffect[] {
    return [this.send(type as ClientMessageType, parameters as never)];
  }

  handleText(text: string): ClientEffect[] {
    if (text.length > MAX_TEXT_LENGTH) return this.violation('Server message too large (>64K)', 413);
    let msg: unknown;
    try {
      msg = JSON.parse(text);
    } catch {
      return this.violation('Server sent invalid JSON', 400);
    }
    if (!isObject(msg)) return this.violation('Server message is not an object', 400);
    if (msg.version !== PROTOCOL_VERSION) return this.violation('Invalid version', 400);
    if (msg.id !== this.options.sessionId) return this.violation('Session identifier mismatch', 400);
    if (typeof msg.type !== 'string') return this.violation('Missing type', 400);
    if (!isObject(msg.parameters)) return this.violation(`Missing parameters on ${msg.type}`, 400);
    if (msg.seq !== this.lastServerSeq + 1) return this.violation(`Invalid seq ${String(msg.seq)} (expected ${this.lastServerSeq + 1})`, 400);
    if (typeof msg.clientseq !== 'number' || msg.clientseq > this.seq) return this.violation('Invalid clientseq', 400);
    this.lastServerSeq += 1; // msg.seq, checked just above
    return this.dispatch(msg.type, msg.parameters, msg.clientseq);
  }

  handleBinary(data?: Uint8Array): ClientEffect[] {
    if (!this.options.connector || data === undefined) return this.violation('Unexpected binary message', 415);
    // Audio only flows between opened and close; after `close` Genesys plays nothing more.
    if (this._state !== 'active' && this._state !== 'paused') return this._state === 'opening' ? this.violation('Audio before opened', 409) : NONE;
    return [{ kind: 'audio', data }];
  }

  // ---- internals ----------------------------------------------------------------

  private dispatch(type: string, p: Record<string, unknown>, clientseq: number): ClientEffect[] {
    switch (type) {
      case 'opened':
        return this.onOpened(p);
      case 'pong':
        return this.onPong(clientseq);
      case 'pause':
        if (this._state === 'opening' || this._state === 'idle') return this.violation('pause before opened', 409);
        this.serverPaused = true;
        // Idempotent: a pause while paused re-triggers `paused`.
        if (this._state === 'paused') return [this.send('paused', {}), { kind: 'paused', by: 'server' }];
        if (this._state !== 'active') return NONE;
        return this.enterPause('server');
      case 'resume':
        if (this._state === 'opening' || this._state === 'idle') return this.violation('resume before opened', 409);
        this.serverPaused = false;
        if (this._state === 'active') {
          return [this.send('resumed', { start: formatDuration(this.position), discarded: 'PT0S' })];
        }
        if (this._state !== 'paused') return NONE;
        // The client's own hold still applies: answer `paused` again.
        if (this.clientPaused) return [this.send('paused', {})];
        return this.leavePause();
      case 'updated':
        return [{ kind: 'updated' }];
      case 'event':
        return [{ kind: 'event', entities: Array.isArray(p.entities) ? (p.entities as EventEntity[]) : [] }];
      case 'disconnect': {
        const effect: ClientEffect = { kind: 'disconnect', reason: String(p.reason ?? '') };
        if (typeof p.info === 'string') effect.info = p.info;
        if (p.outputVariables !== undefined) {
          if (!isStringMap(p.outputVariables)) return this.violation('disconnect outputVariables must map names to strings', 400);
          effect.outputVariables = p.outputVariables;
        }
        if (this._state === 'closing' || this._state === 'closed') return [effect];
        this._state = 'closing';
        return [effect, this.send('close', { reason: 'disconnect' })];
      }
      case 'reconnect':
        return [{ kind: 'reconnect', ...(typeof p.info === 'string' ? { info: p.info } : {}) }];
      case 'closed':
        if (this._state !== 'closing') return this.violation('closed outside a close transaction', 409);
        this._state = 'closed';
        return [{ kind: 'closed' }];
      default:
        return this.violation(`Unknown server message type ${type}`, 400);
    }
  }

  private onOpened(p: Record<string, unknown>): ClientEffect[] {
    if (this._state !== 'opening') return this.violation('Unexpected opened', 409);
    const media = p.media;
    if (!Array.isArray(media)) return this.violation('opened without media', 400);
    if (media.length > 1) return this.violation('More than one media selected', 400);
    const chosen = media[0] as MediaParameter | undefined;
    if (chosen && !this.options.open.media.some((m) => mediaEquals(m, chosen))) {
      return this.violation('Selected media not one of the offered', 400);
    }
    this._media = chosen;
    if (chosen) {
      this.rate = chosen.rate;
      this.unit = frameUnit(chosen);
    }
    const out: ClientEffect[] = [];
    const opened: ClientEffect = { kind: 'opened', media: chosen, startPaused: p.startPaused === true };
    if (typeof p.discardTo === 'string') {
      const d = parseDuration(p.discardTo);
      if (d !== undefined) {
        this.discardTo = d;
        this.discardFrom = this.position;
        opened.discardTo = d;
      }
    }
    if (Array.isArray(p.supportedLanguages)) opened.supportedLanguages = p.supportedLanguages as string[];
    out.push(opened);
    this._state = 'active';
    if (p.startPaused === true) {
      this.serverPaused = true;
      out.push(...this.enterPause('server'));
    } else if (this.clientPaused) {
      out.push(...this.enterPause('client'));
    }
    return out;
  }

  private onPong(clientseq: number): ClientEffect[] {
    const pending = this.pendingPing;
    if (!pending) return this.violation('pong without outstanding ping', 409);
    if (clientseq !== pending.seq) return this.violation('pong clientseq does not match ping seq', 400);
    this.pendingPing = undefined;
    const rtt = Math.max(0, Math.round((this.options.now() - pending.at) * 1_000_000));
    this.lastRtt = rtt;
    return [{ kind: 'pong', rtt }];
  }

  private enterPause(by: 'server' | 'client'): ClientEffect[] {
    const out = this.announceDiscardSkip();
    this._state = 'paused';
    this.pauseStart = this.position;
    out.push(this.send('paused', {}), { kind: 'paused', by });
    return out;
  }

  private leavePause(): ClientEffect[] {
    this._state = 'active';
    const start = this.pauseStart;
    const discarded = this.position - start;
    this.discardFrom = this.position;
    return [
      this.send('resumed', { start: formatDuration(start), discarded: formatDuration(discarded) }),
      { kind: 'resumed', start, discarded },
    ];
  }

  /** Reached the `discardTo` point (rounded down to a frame): announce the skip, then stream. */
  private finishDiscardTo(frame: Uint8Array): ClientEffect[] {
    const out = this.announceDiscardSkip();
    this.discardTo = undefined;
    this.samples += Math.floor(frame.length / this.unit);
    out.push({ kind: 'binary', data: frame });
    return out;
  }

  /** Sends `discarded` for the discardTo skip accumulated so far (the skip itself may continue). */
  private announceDiscardSkip(): ClientEffect[] {
    if (this.discardTo === undefined || this.discardSkipped === 0) return [];
    const effect = this.send('discarded', { start: formatDuration(this.discardFrom), discarded: formatDuration(this.discardSkipped) });
    this.discardSkipped = 0;
    this.discardFrom = this.position;
    return [effect];
  }

  /** The server broke the protocol: report it like the REF client (error, then close). */
  private violation(info: string, code: number): ClientEffect[] {
    this._protocolErrors.push(info);
    const out: ClientEffect[] = [{ kind: 'protocolError', info }];
    if (this._state === 'closing' || this._state === 'closed' || this._state === 'idle') return out;
    out.push(this.send('error', { code, message: info }));
    this._state = 'closing';
    out.push(this.send('close', { reason: 'error' }));
    return out;
  }

  private playback(type: 'playback_started' | 'playback_completed'): ClientEffect[] {
    if (!this.options.connector) throw new RangeError(`${type} is only sent on a connector session`);
    if (this._state !== 'active' && this._state !== 'paused') return NONE;
    return [this.send(type, {})];
  }

  private send<T extends ClientMessageType>(type: T, parameters: ClientParameters[T]): ClientEffect {
    this.seq += 1;
    const text = JSON.stringify({
      version: PROTOCOL_VERSION,
      id: this.options.sessionId,
      type,
      seq: this.seq,
      serverseq: this.lastServerSeq,
      position: formatDuration(this.position),
      parameters,
    });
    return { kind: 'send', type, text };
  }
}

function isStringMap(v: unknown): v is Record<string, string> {
  return isObject(v) && Object.values(v).every((x) => typeof x === 'string');
}
