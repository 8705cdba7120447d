/**
 * One AudioConnector session, acting as Genesys running Architect's "Call
 * Audio Connector" action: a signed upgrade to base URI + connector id, `open`
 * offering PCMU 8000 mono `external` with `inputVariables`, the caller's
 * audio in 200 ms frames at real-time cadence (silence between phrases),
 * pings, DTMF one key per message, and real-time playout of the bot's audio
 * with `playback_started` / `playback_completed`. `barge_in` flushes the
 * playout at once. Binary messages over Genesys's rate limit get error 429
 * and are dropped. A `disconnect` is answered with close(disconnect) (the
 * client core does that) and `closed` is awaited.
 *
 * Time enters only through `now()` (milliseconds) and `pump()`: the emulator
 * pumps from a real-time ticker, tests from a fake clock.
 */
import { createHash, type Hash } from 'node:crypto';
import { errorMessage } from '../../platform/util/error-message.js';
import type { MediaParameter, Participant } from '../../protocol/audiohook/index.js';
import { AudioHookClient } from '../../simulate/index.js';
import type { BotCallSettings } from '../settings.js';
import type { BotCallEntry } from './entry.js';
import type { Phrase, Phrases } from './phrases.js';
import { BYTES_PER_MS, Playout } from './playout.js';
import type { CallerStep } from './script.js';
import { TokenBucket } from './token-bucket.js';

/** `bot_turn_response` events kept per session (the rest are only counted). */
const MAX_TURN_RESPONSES = 100;

export const CONNECTOR_MEDIA: MediaParameter = { type: 'audio', format: 'PCMU', channels: ['external'], rate: 8000 };
const SILENCE = 0xff;
/** Frames sent at most per pump while catching up (a stalled event loop must not burst the server). */
const MAX_CATCH_UP = 5;
/** Barge-in records kept per session (a server may send any number of events); beyond it only counted. */
const MAX_BARGE_INS = 1000;

export interface ConnectorPlan {
  url: string;
  apiKey: string;
  clientSecret?: string | undefined;
  orgId: string;
  conversationId: string;
  participant: Participant;
  sessionId: string;
  correlationId: string;
  inputVariables?: Record<string, string> | undefined;
  customConfig?: Record<string, unknown> | undefined;
  language?: string | undefined;
  script: CallerStep[];
  phrases: Phrases;
  settings: BotCallSettings;
}

/** The received bot audio, kept up to a bound (the rest only counted and hashed). */
export class ReceivedAudio {
  private readonly chunks: Uint8Array[] = [];
  private kept = 0;
  private readonly hash: Hash = createHash('sha256');

  constructor(private readonly max: number) {}

  add(data: Uint8Array): void {
    this.hash.update(data);
    const room = this.max - this.kept;
    if (room <= 0) return;
    const part = data.length <= room ? data : data.subarray(0, room);
    this.chunks.push(Uint8Array.from(part));
    this.kept += part.length;
  }

  get keptBytes(): number {
    return this.kept;
  }

  digest(): string {
    return this.hash.copy().digest('hex');
  }

  bytes(): Uint8Array {
    return new Uint8Array(Buffer.concat(this.chunks));
  }
}

type StepRun =
  | { phase: 'waiting'; since: number; botTurns: number }
  | { phase: 'speaking'; phrase: Phrase; pos: number; bargeIn: boolean }
  | { phase: 'keys'; keys: string; next: number; nextAt: number };

export class ConnectorSession {
  readonly client: AudioHookClient;
  readonly received: ReceivedAudio;
  private readonly bucket: TokenBucket;
  private readonly playout = new Playout();
  private readonly t0: number;
  private nextFrameAt = Infinity;
  private nextPingAt = Infinity;
  private openDeadline = Infinity;
  private closeDeadline = Infinity;
  private closing = false;
  private run: StepRun | undefined;
  /** Playouts finished (drained or flushed): `after-bot` steps wait for one more. */
  private botTurns = 0;
  private playbackStartedAt = -Infinity;
  private lastOnsetAt: number | undefined;
  finished = false;

  constructor(
    readonly plan: ConnectorPlan,
    readonly entry: BotCallEntry,
    private readonly now: () => number,
    private readonly nowIso: () => string,
    private readonly onFinish: (s: ConnectorSession) => void,
  ) {
    this.t0 = now();
    this.bucket = new TokenBucket(plan.settings.rateLimit);
    this.received = new ReceivedAudio(plan.settings.maxReceivedBytes);
    entry.playbacks = this.playout.spans;
    this.client = new AudioHookClient({
      url: plan.url,
      apiKey: plan.apiKey,
      clientSecret: plan.clientSecret,
      orgId: plan.orgId,
      conversationId: plan.conversationId,
      sessionId: plan.sessionId,
      correlationId: plan.correlationId,
      participant: plan.participant,
      media: [CONNECTOR_MEDIA],
      connector: true,
      ...(plan.inputVariables ? { inputVariables: plan.inputVariables } : {}),
      ...(plan.customConfig ? { customConfig: plan.customConfig } : {}),
      ...(plan.language ? { language: plan.language } : {}),
    });
    this.wire();
  }

  async start(): Promise<void> {
    try {
      await this.client.connect();
    } catch (err) {
      this.fail(this.client.httpStatus ? `upgrade refused: HTTP ${this.client.httpStatus}` : errorMessage(err));
      return;
    }
    this.openDeadline = this.now() + this.plan.settings.openTimeoutMs;
    this.client.open();
  }

  /** The caller hangs up (or the flow moves on): close(end). */
  hangup(): void {
    if (this.finished) return;
    if (this.client.core.state === 'idle') return this.client.terminate();
    this.closeWith('end');
  }

  /** One clock turn: caller frames due, the script, playout, pings and timeouts. */
  pump(): void {
    if (this.finished) return;
    const now = this.now();
    const state = this.client.core.state;
    if (state === 'opening' && now > this.openDeadline) return this.giveUp(408, 'Timed out waiting for opened response');
    if (this.closing) {
      if (now > this.closeDeadline) {
        this.entry.error ??= 'close transaction timed out';
        this.client.terminate();
      }
      return;
    }
    if (state !== 'active' && state !== 'paused') return;
    if (this.playout.advance(this.rel(now))) this.playbackDone();
    this.script(now);
    if (this.closing) return;
    this.sendFrames(now);
    this.ping(now);
  }

  private rel(at: number): number {
    return at - this.t0;
  }

  private sendFrames(now: number): void {
    const bytes = this.plan.settings.frameMs * BYTES_PER_MS;
    for (let n = 0; n < MAX_CATCH_UP && now >= this.nextFrameAt; n++) {
      const frame = this.callerFrame(bytes);
      this.client.tick(frame);
      this.nextFrameAt += this.plan.settings.frameMs;
    }
    this.entry.framesSent = this.client.framesSent;
    this.entry.bytesSent = this.client.bytesSent;
  }

  /** The next frame of caller audio: the phrase being spoken, silence around it. */
  private callerFrame(bytes: number): Uint8Array {
    const frame = new Uint8Array(bytes).fill(SILENCE);
    const r = this.run;
    if (r?.phase !== 'speaking') return frame;
    const part = r.phrase.audio.subarray(r.pos, r.pos + bytes);
    frame.set(part);
    const onset = Math.round(r.phrase.speechStartMs * BYTES_PER_MS);
    if (r.pos <= onset && onset < r.pos + bytes) this.lastOnsetAt = this.now();
    const end = Math.round(r.phrase.speechEndMs * BYTES_PER_MS);
    if (r.pos <= end && end < r.pos + bytes) this.callerTurnEnded('say', r.phrase.name);
    r.pos += part.length;
    return frame;
  }

  private script(now: number): void {
    for (;;) {
      const step = this.plan.script[this.entry.step];
      if (!step) return;
      this.run ??= { phase: 'waiting', since: now, botTurns: this.botTurns };
      if (!this.advanceStep(step, this.run, now)) return;
      this.run = undefined;
      this.entry.step++;
      if (this.closing) return;
    }
  }

  /** Moves one step on; true when it is done. */
  private advanceStep(step: CallerStep, r: StepRun, now: number): boolean {
    if ('hangup' in step) {
      this.closeWith('end');
      return true;
    }
    if ('dtmf' in step) {
      if (r.phase === 'waiting' && step.when !== undefined && !this.mayStart(step.when, r, now)) return false;
      const k = r.phase === 'keys' ? r : (this.run = { phase: 'keys', keys: step.dtmf, next: 0, nextAt: now });
      // One key per message, one per frame period, as a caller pressing keys.
      if (now < k.nextAt) return false;
      const digit = k.keys[k.next++] as string;
      k.nextAt = now + this.plan.settings.frameMs;
      this.client.dtmf(digit);
      this.entry.dtmfSent += digit;
      if (k.next < k.keys.length) return false;
      this.callerTurnEnded('dtmf', k.keys);
      return true;
    }
    if (r.phase === 'waiting') {
      if (!this.mayStartSaying(step, r, now)) return false;
      const phrase = this.plan.phrases.get(step.say);
      if (!phrase) throw new RangeError(`unknown caller phrase ${step.say}`);
      this.run = { phase: 'speaking', phrase, pos: 0, bargeIn: step.bargeIn === true };
      return false;
    }
    return r.phase === 'speaking' && r.pos >= r.phrase.audio.length;
  }

  private mayStartSaying(step: Extract<CallerStep, { say: string }>, r: Extract<StepRun, { phase: 'waiting' }>, now: number): boolean {
    if (step.bargeIn) return this.playout.playing && now >= this.playbackStartedAt + (step.afterMs ?? this.plan.settings.bargeInAfterMs);
    return this.mayStart(step.when ?? 'after-bot', r, now);
  }

  private mayStart(when: 'after-bot' | { afterMs: number }, r: Extract<StepRun, { phase: 'waiting' }>, now: number): boolean {
    if (when === 'after-bot') return this.botTurns > r.botTurns && !this.playout.playing;
    return now >= r.since + when.afterMs;
  }

  /** Benchmarks measure the bot's response from here (end of caller speech or keys → next playback). */
  private callerTurnEnded(kind: 'say' | 'dtmf', input: string): void {
    this.entry.callerTurns.push({ kind, input, endSentAtMs: this.rel(this.now()) });
  }

  private ping(now: number): void {
    if (now < this.nextPingAt) return;
    if (this.client.core.awaitingPong) return this.giveUp(408, 'Timeout waiting for pong');
    this.client.ping();
    this.nextPingAt = now + this.plan.settings.pingIntervalMs;
  }

  private onAudio(data: Uint8Array): void {
    const now = this.now();
    const e = this.entry;
    e.receivedMessages++;
    e.receivedBytes += data.length;
    if (!this.bucket.take(now)) {
      e.rateLimited++;
      this.client.error(429, 'Too Many Requests', this.plan.settings.retryAfter);
      return;
    }
    this.received.add(data);
    e.keptBytes = this.received.keptBytes;
    if (this.playout.push(data.length, this.rel(now))) {
      this.playbackStartedAt = now;
      this.client.playbackStarted();
    }
  }

  /** Architect keeps these for the flow's execution history; the log keeps the first MAX_TURN_RESPONSES. */
  private onTurnResponse(data: unknown): void {
    this.entry.turnResponseCount++;
    if (this.entry.turnResponses.length >= MAX_TURN_RESPONSES || typeof data !== 'object' || data === null) return;
    const d = data as Record<string, unknown>;
    this.entry.turnResponses.push({
      disposition: String(d.disposition ?? ''),
      ...(typeof d.text === 'string' ? { text: d.text.slice(0, 500) } : {}),
      ...(typeof d.confidence === 'number' ? { confidence: d.confidence } : {}),
    });
  }

  private onBargeIn(): void {
    const now = this.now();
    const flushed = this.playout.flush(this.rel(now));
    const onset = this.lastOnsetAt;
    this.entry.bargeInCount++;
    if (this.entry.bargeIns.length < MAX_BARGE_INS) this.entry.bargeIns.push({
      ...(onset !== undefined ? { onsetSentAtMs: this.rel(onset), latencyMs: now - onset } : {}),
      flushedAtMs: this.rel(now),
      bytesFlushed: flushed ?? 0,
    });
    if (flushed !== undefined) this.playbackDone();
  }

  private playbackDone(): void {
    this.botTurns++;
    this.client.playbackCompleted();
  }

  private closeWith(reason: 'end' | 'error'): void {
    if (this.closing) return;
    this.closing = true;
    this.entry.result = 'closing';
    this.entry.closeReason = reason;
    this.closeDeadline = this.now() + this.plan.settings.closeTimeoutMs;
    this.playout.flush(this.rel(this.now()));
    this.client.close(reason);
  }

  /** Genesys's reaction to a server that does not answer: error, then close(error). */
  private giveUp(code: number, message: string): void {
    this.entry.error = message;
    this.client.error(code, message);
    this.closeWith('error');
  }

  private wire(): void {
    const c = this.client;
    c.on('opened', () => {
      const now = this.now();
      this.entry.result = 'open';
      this.entry.openedAt = this.nowIso();
      this.openDeadline = Infinity;
      this.nextFrameAt = now + this.plan.settings.frameMs;
      this.nextPingAt = now + this.plan.settings.pingIntervalMs;
    });
    c.on('audio', (e: { data: Uint8Array }) => this.onAudio(e.data));
    c.on('event', (e: { entities: { type: string; data?: unknown }[] }) => {
      if (e.entities.some((x) => x?.type === 'barge_in')) this.onBargeIn();
      for (const x of e.entities) if (x?.type === 'bot_turn_response') this.onTurnResponse(x.data);
    });
    c.on('disconnect', (e: { reason: string; info?: string; outputVariables?: Record<string, string> }) => {
      this.entry.disconnect = { reason: e.reason, ...(e.info !== undefined ? { info: e.info } : {}), ...(e.outputVariables ? { outputVariables: e.outputVariables } : {}) };
      if (this.closing) return;
      // The core has sent close(disconnect); Genesys stops playing the bot then.
      this.closing = true;
      this.entry.result = 'closing';
      this.entry.closeReason = 'disconnect';
      this.closeDeadline = this.now() + this.plan.settings.closeTimeoutMs;
      this.playout.flush(this.rel(this.now()));
    });
    c.on('protocolError', (e: { info: string }) => {
      this.entry.protocolErrors.push(e.info);
      if (this.closing) return;
      // The core answered with error + close(error).
      this.closing = true;
      this.entry.result = 'closing';
      this.entry.closeReason = 'error';
      this.closeDeadline = this.now() + this.plan.settings.closeTimeoutMs;
    });
    c.on('closed', () => (this.entry.result = 'completed'));
    c.on('socketClose', () => this.finish());
  }

  private fail(error: string): void {
    this.entry.result = 'failed';
    this.entry.error ??= error;
    if (this.client.httpStatus) this.entry.httpStatus = this.client.httpStatus;
    this.finish();
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    const e = this.entry;
    if (e.result !== 'completed' && e.result !== 'failed') e.result = 'dropped';
    e.endedAt = this.nowIso();
    e.framesSent = this.client.framesSent;
    e.bytesSent = this.client.bytesSent;
    e.receivedSha256 = this.received.digest();
    e.playbacks = this.playout.spans;
    this.onFinish(this);
  }
}
