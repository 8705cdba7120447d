/**
 * One AudioConnector call with a bot: drives the pure ServerSession over one
 * socket and puts ASR → bot → TTS (or a speech-to-speech model) around it.
 *
 * Behaviour (docs/voicebot.md): `opened` goes out at once from local state;
 * a connection probe starts nothing. Bot audio leaves through the pacer and
 * the one writer. Caller speech over bot audio is a barge-in: the unsent
 * audio is dropped, the speech synthesis aborted and `barge_in` sent. A bot's
 * end or hand-over waits until our audio is heard (queue empty and
 * `playback_completed`, or `endDrainMs`) before `disconnect completed` with
 * string output variables. A bot that fails or is slower than `botMs` gets a
 * spoken fallback and an end by `onBotFailure` — never a hung call.
 */
import { performance } from 'node:perf_hooks';
import type { RawData, WebSocket } from 'ws';
import type { Logger } from '../platform/logging/index.js';
import { errorMessage } from '../platform/util/error-message.js';
import { Pacer } from '../protocol/audioconnector/index.js';
import { ServerSession, isProbe, type ClientMessage, type Effect, type MediaPolicy, type OpenDecision, type OpenParameters } from '../protocol/audiohook/index.js';
import type { BotConfig, ConnectorConfig } from '../tenants/index.js';
import type { BotConversation, BotTurn } from './bots/types.js';
import { DtmfCollector } from './dtmf.js';
import { UtteranceGate } from './utterance-gate.js';
import type { EngineCache } from './engines.js';
import type { BotFailureReason, VoicebotMetrics } from './metrics.js';
import type { AsrEvent, AsrStream, RealtimeEvent, RealtimeSession, TtsEngine } from './speech/types.js';
import type { Vad } from './vad.js';
import type { SessionLimits } from './session-limits.js';
import { LogBudget } from '../capture/index.js';
import { SessionWriter } from './writer.js';

/** AudioConnector streams the caller only, as 8 kHz µ-law: anything else is refused at open. */
export const AUDIOCONNECTOR_MEDIA: MediaPolicy = {
  preference: [{ format: 'PCMU', channels: ['external'], rate: 8000 }],
  formats: ['PCMU'],
  rates: [8000],
  onNoMatch: 'disconnect',
};

/** Lines a client's bad messages may log per call; the rest are only counted by the core's disconnect. */
const MAX_MESSAGE_LOGS = 10;
/** Caller inputs waiting behind a bot turn in flight; more are dropped (a caller cannot queue unbounded work). */
const MAX_PENDING_TURNS = 4;
/** Output variables kept (each value clipped): the disconnect message must stay a small text message. */
const MAX_OUTPUT_VARIABLES = 64;
const MAX_OUTPUT_VALUE = 2000;
/**
 * Recognizer restarts one call can cause by changing its language: each starts a new recognizer (with
 * pocketsphinx a new process that loads its model), so a client flipping languages must meet a bound.
 */
export const MAX_ASR_RESTARTS = 8;
const LANGUAGE = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$/;

export interface SessionSettings {
  maxSendBufferBytes: number;
  closeGraceMs: number;
}

export interface SessionParams {
  ws: WebSocket;
  sessionId: string;
  orgId: string;
  connector: ConnectorConfig;
  /** Dialled at the base URI with no Connector ID: only a connection probe is answered. */
  probeOnly?: boolean;
  bots: readonly BotConfig[];
  /** Absent: every call ends with `disconnect error` (no engines wired). */
  engines: EngineCache | undefined;
  /** Bounds on calls at once; a call over them is refused in its open transaction. Absent: unbounded (tests). */
  limits?: SessionLimits | undefined;
  /** Shared by the endpoint's sessions: how often a refusal at the bounds is logged. */
  refusalLogs?: LogBudget | undefined;
  metrics: VoicebotMetrics;
  log: Logger;
  settings: SessionSettings;
  onEnd: (s: VoicebotSession) => void;
}

type EndPlan = { kind: 'completed'; outputVariables: Record<string, string> } | { kind: 'error'; info: string };

class BotTimeout extends Error {
  override readonly name = 'BotTimeout';
}

export class VoicebotSession {
  readonly core: ServerSession;
  private readonly writer: SessionWriter;
  private readonly pacer: Pacer;
  private readonly log: Logger;
  private readonly abort = new AbortController();
  private readonly dtmf: DtmfCollector;
  private readonly timers = new Set<NodeJS.Timeout>();
  /** After a protocol error the core keeps reporting each further bad message until the socket goes: bounded. */
  private readonly messageLogs = new LogBudget(MAX_MESSAGE_LOGS);
  private pumpTimer: NodeJS.Timeout | undefined;
  private silenceTimer: NodeJS.Timeout | undefined;
  private language: string;
  private conversation: BotConversation | undefined;
  private asr: AsrStream | undefined;
  private realtime: RealtimeSession | undefined;
  private tts: TtsEngine | undefined;
  private vad: Vad | undefined;
  /** With a VAD, the recognizer hears only the caller's utterances (and a little before each), not the silences. */
  private readonly gate = new UtteranceGate();
  private turns: Promise<void> = Promise.resolve();
  private pendingTurns = 0;
  /** Bumped by a barge-in: speech of an older generation stops feeding the pacer. */
  private speechGen = 0;
  private ttsAbort: AbortController | undefined;
  /** Audio sent since the last `playback_completed`: what a barge-in interrupts and an end waits for. */
  private audioOutstanding = false;
  private endPlan: EndPlan | undefined;
  private cancelledResponse: string | undefined;
  private currentResponse: string | undefined;
  private released = false;
  private ended = false;
  /** Gives back this call's place under the session bounds (set once the call is admitted). */
  private releaseSlot: (() => void) | undefined;
  private asrRestarts = 0;

  constructor(private readonly p: SessionParams) {
    this.log = p.log.child({ sessionId: p.sessionId, orgId: p.orgId });
    this.language = p.connector.language;
    this.writer = new SessionWriter(p.ws, p.settings.maxSendBufferBytes);
    this.pacer = new Pacer(p.connector.pacing);
    this.dtmf = new DtmfCollector({
      terminator: p.connector.dtmf.terminator,
      maxDigits: p.connector.dtmf.maxDigits,
      interDigitMs: p.connector.timeouts.dtmfInterDigitMs,
      onDigits: (digits) => this.ask((signal) => this.conversation!.send({ type: 'dtmf', digits }, signal)),
    });
    this.core = new ServerSession({ sessionId: p.sessionId, decideOpen: (open) => this.decideOpen(open), mediaPolicy: AUDIOCONNECTOR_MEDIA, explicitStartPaused: true });
    p.ws.on('message', (data: RawData, isBinary: boolean) => this.onMessage(data, isBinary));
    p.ws.on('close', () => this.run(this.core.handleSocketClosed()));
    p.ws.on('error', (err) => this.log.debug({ err: err.message }, 'socket error'));
  }

  get isProbe(): boolean {
    return this.core.isProbe;
  }

  /** Server shutdown: end the call now with a hand-over, as a bot cannot finish elsewhere. */
  disconnect(reason: string): void {
    this.release();
    this.run(this.core.disconnect('completed', undefined, { action: 'handover', reason }));
  }

  // ---- protocol ---------------------------------------------------------------------

  private onMessage(data: RawData, isBinary: boolean): void {
    const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
    this.run(isBinary ? this.core.handleBinary(buf) : this.core.handleText(buf.toString('utf8')));
  }

  private decideOpen(open: OpenParameters): OpenDecision {
    if (open.organizationId.toLowerCase() !== this.p.orgId) return { type: 'reject', reason: 'unauthorized', info: 'Unauthorized' };
    if (this.p.probeOnly && !isProbe(open)) return { type: 'reject', reason: 'error', info: 'No Connector ID in the connection URL: set it in the Call Audio Connector action' };
    if (isProbe(open) || !this.p.limits) return { type: 'accept' };
    const slot = this.p.limits.acquire(this.p.orgId);
    if (!slot.ok) {
      this.p.metrics.sessionsRefused.inc({ limit: slot.reason });
      if (this.p.refusalLogs?.take() ?? true) this.log.info({ limit: slot.reason }, 'voice bot call refused: too many sessions');
      return { type: 'reject', reason: 'error', info: slot.reason === 'tenant' ? 'Too many voice bot sessions for this organization: try again later' : 'Too many voice bot sessions on this server: try again later' };
    }
    this.releaseSlot = slot.release;
    return { type: 'accept' };
  }

  private run(effects: Effect[]): void {
    for (const e of effects) {
      switch (e.kind) {
        case 'send':
          this.writer.text(e.text);
          break;
        case 'opened':
          this.onOpened(e.probe, e.open);
          break;
        case 'audio':
          this.onCallerAudio(e.data);
          break;
        case 'clientMessage':
          this.onClientMessage(e.message);
          break;
        case 'update':
          this.onUpdate(e.parameters);
          break;
        case 'clientError':
          this.onClientError(e.code, e.retryAfter);
          break;
        case 'closing':
          // `closed` follows in the same batch: stop everything first, so no audio goes after it.
          this.release();
          this.later(this.p.settings.closeGraceMs, () => this.writer.close());
          break;
        case 'disconnecting':
          this.release();
          this.later(this.p.settings.closeGraceMs, () => this.p.ws.terminate());
          break;
        case 'protocolError':
          if (this.messageLogs.take()) this.log.info({ info: e.info }, 'AudioConnector protocol error');
          break;
        case 'finalized':
          this.finish();
          break;
        default:
          break;
      }
    }
  }

  private onOpened(probe: boolean, open: OpenParameters): void {
    if (probe) {
      this.p.metrics.probes.inc();
      return;
    }
    if (open.language && LANGUAGE.test(open.language)) this.language = open.language;
    if (!this.p.engines) {
      this.run(this.core.disconnect('error', 'voice bot engines not available'));
      return;
    }
    this.later(this.p.connector.timeouts.maxCallSeconds * 1000, () => this.endNow({ action: 'handover', reason: 'max-duration' }));
    try {
      this.start(this.p.engines, open);
    } catch (err) {
      this.log.warn({ err: errorMessage(err) }, 'voice bot engines could not be built');
      this.run(this.core.disconnect('error', 'voice bot engines not available'));
    }
  }

  private onClientMessage(m: ClientMessage): void {
    switch (m.type) {
      case 'dtmf':
        this.onCallerActivity();
        if (this.conversation && !this.endPlan) this.dtmf.push(m.parameters.digit);
        break;
      case 'playback_completed':
        this.audioOutstanding = false;
        this.pacer.playbackCompleted(performance.now());
        this.pump();
        this.maybeFinishEnd();
        this.armSilence();
        break;
      default:
        break;
    }
  }

  private onUpdate(parameters: Record<string, unknown>): void {
    const language = parameters.language;
    if (typeof language !== 'string' || !LANGUAGE.test(language) || language === this.language) return;
    this.language = language;
    // The recognizer listens in one language: reconnect it in the new one, a bounded number of times per call.
    if (!this.asr || !this.conversation) return;
    if (this.asrRestarts >= MAX_ASR_RESTARTS) {
      this.p.metrics.asrReconnectsRefused.inc();
      if (this.asrRestarts++ === MAX_ASR_RESTARTS) this.log.info({ max: MAX_ASR_RESTARTS }, 'language changed too often: the recognizer keeps its language');
      return;
    }
    this.asrRestarts++;
    void this.connectAsr();
  }

  private onClientError(code: number, retryAfterNs: number | undefined): void {
    if (code !== 429) return;
    this.p.metrics.rateLimited.inc();
    this.pacer.retryAfter(performance.now(), retryAfterNs !== undefined ? retryAfterNs / 1e6 : 1000);
    this.pump();
  }

  // ---- the bot --------------------------------------------------------------------------

  private start(engines: EngineCache, open: OpenParameters): void {
    const c = this.p.connector;
    this.vad = engines.vad(c);
    this.tts = engines.tts(this.p.orgId, c.tts);
    if (c.realtime) {
      const rt = engines.realtime(this.p.orgId, c.realtime);
      rt.connect({ language: this.language, inputVariables: open.inputVariables ?? {}, listener: (ev) => this.onRealtime(ev), signal: this.abort.signal }).then(
        (s) => {
          if (this.released) void s.close().catch(() => undefined);
          else this.realtime = s;
        },
        (err: unknown) => {
          this.log.warn({ err: errorMessage(err) }, 'speech-to-speech engine unavailable');
          void this.failBot('unavailable');
        },
      );
      return;
    }
    const cfg = this.p.bots.find((b) => b.name === c.bot);
    if (!cfg) throw new Error(`no bot named ${String(c.bot)}`);
    const bot = engines.bot(this.p.orgId, cfg);
    this.conversation = bot.open({ tenant: this.p.orgId, conversationId: open.conversationId.toLowerCase(), inputVariables: open.inputVariables ?? {}, language: this.language });
    const phrases = bot.phrases();
    void this.connectAsr(phrases);
    this.ask((signal) => this.conversation!.start(signal));
  }

  private lastPhrases: readonly string[] = [];

  private async connectAsr(phrases: readonly string[] = this.lastPhrases): Promise<void> {
    this.lastPhrases = phrases;
    const old = this.asr;
    this.asr = undefined;
    if (old) void old.close().catch(() => undefined);
    try {
      const engine = this.p.engines!.asr(this.p.orgId, this.p.connector.asr);
      const stream = await engine.connect({ language: this.language, phrases, listener: (ev) => this.onAsr(ev), signal: this.abort.signal });
      if (this.released) void stream.close().catch(() => undefined);
      else this.asr = stream;
    } catch (err) {
      // The call goes on: DTMF still reaches the bot, and silence timeouts still ask it for a turn.
      this.log.warn({ err: errorMessage(err) }, 'speech recognizer unavailable');
    }
  }

  /** Queues one bot turn behind the one in flight. */
  private ask(turn: (signal: AbortSignal) => Promise<BotTurn>): void {
    if (this.endPlan || this.released) return;
    if (this.pendingTurns >= MAX_PENDING_TURNS) {
      this.log.debug('caller input dropped: bot turns backed up');
      return;
    }
    this.pendingTurns++;
    this.turns = this.turns
      .then(() => this.runTurn(turn))
      .catch((err: unknown) => this.log.warn({ err: errorMessage(err) }, 'bot turn failed'))
      .finally(() => {
        this.pendingTurns--;
      });
  }

  private async runTurn(turn: (signal: AbortSignal) => Promise<BotTurn>): Promise<void> {
    if (this.endPlan || this.released) return;
    this.stopSilence();
    let result: BotTurn;
    try {
      result = await this.withDeadline(turn);
    } catch (err) {
      if (this.released) return;
      this.log.warn({ err: errorMessage(err) }, 'bot turn failed');
      return this.failBot(err instanceof BotTimeout ? 'timeout' : 'unavailable');
    }
    if (this.released) return;
    await this.speak(result.replies ?? []);
    if (result.action) this.endAfterPlayback({ ...(result.outputVariables ?? {}), action: result.action });
  }

  /** The bot's answer, or a BotTimeout after `botMs` (the bot's request is aborted; a bot that ignores it is not waited for). */
  private withDeadline<T>(turn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const ac = new AbortController();
    const onEnd = () => ac.abort();
    this.abort.signal.addEventListener('abort', onEnd, { once: true });
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const e = new BotTimeout(`bot did not answer in ${this.p.connector.timeouts.botMs} ms`);
        ac.abort(e);
        reject(e);
      }, this.p.connector.timeouts.botMs);
    });
    return Promise.race([turn(ac.signal), deadline]).finally(() => {
      clearTimeout(timer);
      this.abort.signal.removeEventListener('abort', onEnd);
    });
  }

  private async failBot(reason: BotFailureReason): Promise<void> {
    if (this.endPlan || this.released) return;
    this.p.metrics.botFailures.inc({ reason });
    await this.speak([this.p.connector.fallbackText]);
    if (this.p.connector.onBotFailure === 'handover') this.endAfterPlayback({ action: 'handover', reason: `bot-${reason}` });
    else this.endAfterPlayback(undefined, `bot ${reason}`);
  }

  // ---- speech out -----------------------------------------------------------------------

  private async speak(texts: readonly string[]): Promise<void> {
    const tts = this.tts;
    if (!tts || texts.length === 0) return;
    const gen = ++this.speechGen;
    const ac = new AbortController();
    this.ttsAbort = ac;
    const live = () => gen === this.speechGen && !this.released;
    try {
      for (const text of texts) {
        if (!live()) break;
        if (text.trim() === '') continue;
        try {
          for await (const chunk of tts.synthesize(text, { language: this.language, signal: ac.signal })) {
            if (!live()) break;
            this.enqueue(chunk, false);
          }
        } catch (err) {
          if (live()) this.log.warn({ err: errorMessage(err) }, 'speech synthesis failed');
        }
        if (live()) this.enqueue(new Uint8Array(0), true);
      }
    } finally {
      if (this.ttsAbort === ac) this.ttsAbort = undefined;
    }
  }

  private enqueue(audio: Uint8Array, endOfUtterance: boolean): void {
    const dropped = this.pacer.droppedBytes;
    this.pacer.enqueue(audio, { endOfUtterance });
    if (this.pacer.droppedBytes > dropped) this.p.metrics.queueDroppedBytes.inc(this.pacer.droppedBytes - dropped);
    this.pump();
  }

  /** Sends what the pacer lets go now and sleeps until it lets more go. */
  private pump(): void {
    if (this.core.disconnected || this.core.closed || this.released) return;
    const now = performance.now();
    for (;;) {
      const r = this.pacer.poll(now);
      if (!r.send) {
        this.schedulePump(r.wakeAtMs, now);
        break;
      }
      if (!this.writer.binary(r.send)) return;
      this.audioOutstanding = true;
      this.p.metrics.messagesSent.inc();
      this.p.metrics.bytesSent.inc(r.send.length);
    }
  }

  private schedulePump(wakeAtMs: number | undefined, now: number): void {
    if (this.pumpTimer) clearTimeout(this.pumpTimer);
    this.pumpTimer = undefined;
    if (wakeAtMs === undefined) return;
    this.pumpTimer = setTimeout(() => {
      this.pumpTimer = undefined;
      this.pump();
    }, Math.max(1, wakeAtMs - now));
  }

  // ---- speech in --------------------------------------------------------------------------

  private onCallerAudio(data: Uint8Array): void {
    this.realtime?.send(data);
    if (!this.vad) {
      this.asr?.send(data);
      return;
    }
    const events = this.vad.push(data);
    for (const ev of events) if (ev.type === 'speech-start') this.onCallerSpeech();
    this.gate.push(data, events, this.asr);
  }

  private onAsr(ev: AsrEvent): void {
    if (this.released) return;
    switch (ev.type) {
      case 'speech-started':
      case 'partial':
        this.onCallerSpeech();
        break;
      case 'final': {
        this.onCallerSpeech();
        const text = ev.text.trim();
        if (text === '') break;
        this.turnResponse('match', text, ev.confidence);
        this.ask((signal) => this.conversation!.send({ type: 'text', text, ...(ev.confidence !== undefined ? { confidence: ev.confidence } : {}) }, signal));
        break;
      }
      case 'error':
        this.log.warn({ err: ev.error.message }, 'speech recognizer error');
        break;
    }
  }

  private onRealtime(ev: RealtimeEvent): void {
    if (this.released) return;
    switch (ev.type) {
      case 'audio':
        if (ev.responseId === this.cancelledResponse || this.endPlan) return;
        this.currentResponse = ev.responseId;
        this.enqueue(ev.audio, false);
        break;
      case 'response-done':
        if (ev.responseId !== this.cancelledResponse) this.enqueue(new Uint8Array(0), true);
        break;
      case 'speech-started':
        this.onCallerSpeech();
        break;
      case 'end':
        this.endAfterPlayback({ ...ev.outputVariables, action: ev.action });
        break;
      case 'error':
        this.log.warn({ err: ev.error.message }, 'speech-to-speech engine error');
        void this.failBot('unavailable');
        break;
      default:
        break;
    }
  }

  private onCallerActivity(): void {
    this.stopSilence();
  }

  /** Caller speech onset: over our audio it is a barge-in. */
  /**
   * What the caller's turn was, for Architect's flow execution history (AudioConnector `bot_turn_response`
   * event; it does not drive the flow): `match` with the recognized text, or `no_input` after silence.
   */
  private turnResponse(disposition: 'match' | 'no_input', text?: string, confidence?: number): void {
    const data: Record<string, unknown> = { disposition };
    if (text !== undefined) data.text = text.slice(0, MAX_OUTPUT_VALUE);
    if (confidence !== undefined && Number.isFinite(confidence)) data.confidence = confidence;
    this.run(this.core.sendEvent([{ type: 'bot_turn_response', data }]));
  }

  private onCallerSpeech(): void {
    this.onCallerActivity();
    if (!this.audioOutstanding || this.endPlan || !this.p.connector.bargeIn.enabled) return;
    const dropped = this.pacer.clear(performance.now());
    this.speechGen++;
    this.ttsAbort?.abort();
    this.audioOutstanding = false;
    if (this.realtime && this.currentResponse) {
      this.cancelledResponse = this.currentResponse;
      this.realtime.cancelResponse();
    }
    this.p.metrics.bargeIns.inc();
    this.p.metrics.bargeInDroppedBytes.inc(dropped);
    this.run(this.core.sendEvent([{ type: 'barge_in', data: {} }]));
  }

  // ---- silence ------------------------------------------------------------------------------

  private armSilence(): void {
    const ms = this.p.connector.timeouts.silenceMs;
    if (ms === 0 || !this.conversation || this.endPlan || this.released || this.pendingTurns > 0 || this.pacer.queuedBytes > 0) return;
    this.stopSilence();
    this.silenceTimer = setTimeout(() => {
      this.silenceTimer = undefined;
      this.turnResponse('no_input');
      this.ask((signal) => this.conversation!.send({ type: 'event', name: this.p.connector.silenceEvent }, signal));
    }, ms);
  }

  private stopSilence(): void {
    if (this.silenceTimer) clearTimeout(this.silenceTimer);
    this.silenceTimer = undefined;
  }

  // ---- ending ---------------------------------------------------------------------------------

  /** Ends once our audio has been heard (queue empty and playback_completed), or after endDrainMs. */
  private endAfterPlayback(outputVariables: Record<string, string> | undefined, errorInfo?: string): void {
    if (this.endPlan || this.released) return;
    this.endPlan = errorInfo !== undefined ? { kind: 'error', info: errorInfo } : { kind: 'completed', outputVariables: stringMap(outputVariables ?? {}) };
    this.stopSilence();
    this.dtmf.stop();
    this.later(this.p.connector.timeouts.endDrainMs, () => this.finishEnd());
    this.maybeFinishEnd();
  }

  private maybeFinishEnd(): void {
    if (this.endPlan && this.pacer.queuedBytes === 0 && !this.audioOutstanding) this.finishEnd();
  }

  private finishEnd(): void {
    const plan = this.endPlan;
    if (!plan || this.released) return;
    this.release();
    if (plan.kind === 'error') this.run(this.core.disconnect('error', plan.info));
    else this.run(this.core.disconnect('completed', undefined, plan.outputVariables));
  }

  /** Ends at once, cutting off whatever is still playing (max call duration). */
  private endNow(outputVariables: Record<string, string>): void {
    if (this.released) return;
    this.release();
    this.run(this.core.disconnect('completed', undefined, stringMap(outputVariables)));
  }

  /** Stops sending audio and lets go of the bot and the engines. Idempotent. */
  private release(): void {
    if (this.released) return;
    this.released = true;
    this.pacer.clear();
    this.speechGen++;
    this.ttsAbort?.abort();
    this.abort.abort();
    this.dtmf.stop();
    this.stopSilence();
    if (this.pumpTimer) clearTimeout(this.pumpTimer);
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    const closing = [this.asr?.close(), this.realtime?.close(), this.conversation?.close()];
    for (const c of closing) void c?.catch((err: unknown) => this.log.debug({ err: errorMessage(err) }, 'close failed'));
  }

  private finish(): void {
    if (this.ended) return;
    this.ended = true;
    this.release();
    this.releaseSlot?.();
    for (const t of this.timers) clearTimeout(t);
    this.p.onEnd(this);
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }
}

/** Architect output variables are strings: anything else a bot sends is stringified, and the map is bounded. */
function stringMap(vars: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  let n = 0;
  for (const [k, v] of Object.entries(vars)) {
    if (n++ >= MAX_OUTPUT_VARIABLES) break;
    const s = typeof v === 'string' ? v : v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v as string | number | boolean);
    out[k.slice(0, 200)] = s.slice(0, MAX_OUTPUT_VALUE);
  }
  return out;
}
