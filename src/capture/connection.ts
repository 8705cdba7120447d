/**
 * One AudioHook WebSocket: feeds frames to the pure ServerSession and carries
 * out its effects (send, sinks, metrics, timers). Everything here is
 * synchronous on the message path; sinks flush on their own time.
 */
import { performance } from 'node:perf_hooks';
import type { RawData, WebSocket } from 'ws';
import { errorMessage } from '../platform/util/error-message.js';
import {
  ServerSession,
  isProbe,
  type DisconnectReason,
  type EventEntity,
  type Effect,
  type MediaPolicy,
  type Nanos,
  type OpenDecision,
  type OpenParameters,
} from '../protocol/audiohook/index.js';
import type { Logger } from '../platform/logging/index.js';
import type { AgentTag, ConversationTag, SessionEvents, SessionInfo, Sink, SinkControl, SinkSession } from './sinks/port.js';
import type { Admission, AdmissionContext, SessionHandle } from './admission.js';
import type { AudiohookConfig } from './config.js';
import { LogBudget, clip } from './log-budget.js';
import { clientErrorLabel, type CaptureMetrics } from './metrics.js';
import { lazyChildLogger, type SessionLog } from './session-log.js';

export interface ConnectionDeps {
  /** Told about every sink flush, so a graceful stop can wait for them. */
  onFlush: (flush: Promise<unknown>) => void;
  settings: AudiohookConfig;
  mediaPolicy: MediaPolicy;
  log: Logger;
  metrics: CaptureMetrics;
  sinks: readonly Sink[];
  admission: Admission;
  onEnd: (conn: AudioHookConnection) => void;
}

export interface ConnectionParams {
  ws: WebSocket;
  sessionId: string;
  correlationId: string;
  orgId: string;
}

type Tags = { agent?: AgentTag | undefined; conversation?: ConversationTag | undefined };

const MAX_MISMATCH_LOGS = 3;
/** Lines a session may log about individual client messages before only a count is kept. */
const MAX_MESSAGE_LOGS = 10;
const MAX_LOGGED_KEYS = 10;

export class AudioHookConnection implements SessionHandle {
  readonly core: ServerSession;
  private readonly ws: WebSocket;
  private readonly log: SessionLog;
  private sinkSessions: SinkSession[] = [];
  private info: SessionInfo | undefined;
  private pendingTags: Tags | undefined;
  /** Agent id of the last `tagged` (or `start`) the sinks saw: a tag is sent only when it changes. */
  private taggedAgentId: string | undefined;
  private _admitted = false;
  private _ended = false;
  private sinksEnded = false;
  private readonly events: SessionEvents = { send: (entities) => this.sendEvent(entities) };
  private ctx: AdmissionContext | undefined;
  private openStartedAt = 0;
  private openedAtIso = '';
  private mismatchLogs = 0;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly messageLogs = new LogBudget(MAX_MESSAGE_LOGS);

  constructor(private readonly params: ConnectionParams, private readonly deps: ConnectionDeps) {
    this.ws = params.ws;
    this.log = lazyChildLogger(deps.log, { sessionId: params.sessionId, orgId: params.orgId });
    this.core = new ServerSession({
      sessionId: params.sessionId,
      decideOpen: (open) => this.decideOpen(open),
      mediaPolicy: deps.mediaPolicy,
      supportedLanguages: [...deps.settings.supportedLanguages], // the settings are frozen; the core's list is its own
      timelineToleranceNs: deps.settings.timelineToleranceSeconds * 1e9,
    });
    this.ws.on('message', (data, isBinary) => this.onMessage(data, isBinary));
    this.ws.on('close', () => this.run(this.core.handleSocketClosed()));
    this.ws.on('error', (err) => this.log.debug({ err: err.message }, 'socket error'));
  }

  // ---- SessionHandle --------------------------------------------------------------

  get context(): AdmissionContext {
    if (!this.ctx) throw new Error('session has not opened');
    return this.ctx;
  }
  get admitted(): boolean {
    return this._admitted;
  }
  get ended(): boolean {
    return this._ended;
  }
  get position(): Nanos {
    return this.core.position;
  }
  get isProbe(): boolean {
    return this.core.isProbe;
  }

  admit(tags: Tags = {}): void {
    if (this._ended || this.core.disconnected) return;
    if (this._admitted) return this.retag(tags);
    this._admitted = true;
    this.pendingTags = tags;
    // A held session's recording and stream begin where its audio resumes (the `resumed` effect),
    // so both cover the same span and neither carries the hold (README "Recording and stream span").
    if (this.core.state === 'paused') this.run(this.core.resume());
    else if (this.core.media) this.startSinks(tags);
  }

  retag(tags: Tags): void {
    const target = this.info ?? this.pendingTags;
    if (!target) return;
    if (tags.agent) target.agent = tags.agent;
    if (tags.conversation) target.conversation = tags.conversation;
    this.sendTagIfChanged();
  }

  pause(): void {
    this.run(this.core.pause());
  }

  resume(): void {
    this.run(this.core.resume());
  }

  disconnect(reason: DisconnectReason, info?: string): void {
    this.run(this.core.disconnect(reason, info));
  }

  /** Sends an AudioHook `event` message (sinks reach it through SessionEvents); false when it was not sent. */
  sendEvent(entities: EventEntity[]): boolean {
    const effects = this.core.sendEvent(entities);
    this.run(effects);
    return effects.some((e) => e.kind === 'send');
  }

  // ---- inbound ----------------------------------------------------------------------

  private onMessage(data: RawData, isBinary: boolean): void {
    // ws delivers a Buffer for binary and text frames alike while binaryType is 'nodebuffer', its default
    // (ws docs, "websocket.binaryType"); typed here rather than checked, as this runs for every audio frame.
    const buf = data as Buffer;
    if (isBinary) {
      this.deps.metrics.frames.inc();
      this.deps.metrics.bytes.inc(buf.length);
      this.run(this.core.handleBinary(buf));
      return;
    }
    this.openStartedAt = performance.now();
    this.run(this.core.handleText(buf.toString('utf8')));
  }

  private decideOpen(open: OpenParameters): OpenDecision {
    if (open.organizationId.toLowerCase() !== this.params.orgId.toLowerCase()) {
      this.deps.metrics.signatureFailures.inc({ reason: 'org-mismatch' });
      this.log.warn({ openOrg: open.organizationId }, 'open.organizationId does not match the Audiohook-Organization-Id header');
      return { type: 'reject', reason: 'unauthorized', info: 'Unauthorized' };
    }
    if (isProbe(open)) return { type: 'accept' };
    this.ctx = {
      orgId: this.params.orgId,
      sessionId: this.core.sessionId,
      correlationId: this.params.correlationId,
      conversationId: open.conversationId.toLowerCase(),
      open,
    };
    const decision = this.deps.admission.decide(this.ctx, this);
    if (decision.type === 'reject') return { type: 'reject', reason: decision.reason, ...(decision.info ? { info: decision.info } : {}) };
    if (decision.type === 'hold') return { type: 'accept', startPaused: true };
    this._admitted = true;
    this.pendingTags = { agent: decision.agent, conversation: decision.conversation };
    return decision.discardTo !== undefined ? { type: 'accept', discardTo: decision.discardTo } : { type: 'accept' };
  }

  // ---- effects ----------------------------------------------------------------------

  private run(effects: Effect[]): void {
    for (const e of effects) {
      switch (e.kind) {
        case 'audio':
          for (const s of this.sinkSessions) s.audio(e.data, e.position, e.samples);
          break;
        case 'send':
          this.send(e.text);
          if (e.type === 'closed') this.later(this.deps.settings.closeGraceMs, () => this.ws.close(1000));
          break;
        case 'opened':
          this.onOpened(e.open, e.probe);
          break;
        case 'paused':
          this.control({ type: 'paused', position: e.position });
          break;
        case 'resumed':
          if (this._admitted && !this.info && this.core.media) this.startSinks(this.pendingTags ?? {});
          else this.control({ type: 'resumed', position: e.position, start: e.start, discarded: e.discarded });
          this.sendTagIfChanged();
          break;
        case 'discarded':
          this.control({ type: 'discarded', position: e.position, start: e.start, discarded: e.discarded });
          break;
        case 'update':
          if (this.messageLogs.take()) this.log.debug({ keys: Object.keys(e.parameters).slice(0, MAX_LOGGED_KEYS).map((k) => clip(k, 40)) }, 'update');
          this.control({ type: 'update', position: this.core.position, parameters: e.parameters });
          break;
        case 'rtt':
          if (!this.core.isProbe) this.deps.metrics.rtt.observe(e.rtt / 1e9);
          this.control({ type: 'rtt', position: this.core.position, rtt: e.rtt });
          break;
        case 'strayAudio':
          this.deps.metrics.strayFrames.inc();
          break;
        case 'closing':
          this.log.info({ reason: e.reason, position: this.core.position / 1e9 }, 'close');
          this.startHeldSinks();
          this.endSinks(e.reason);
          break;
        case 'disconnecting':
          this.log.info({ reason: e.reason, info: e.info }, 'disconnect sent');
          this.later(this.deps.settings.closeGraceMs, () => this.ws.terminate());
          break;
        case 'protocolError':
          this.deps.metrics.protocolErrors.inc();
          if (this.messageLogs.take()) this.log.warn({ info: clip(e.info) }, 'protocol violation');
          break;
        case 'clientError':
          this.deps.metrics.clientErrors.inc({ code: clientErrorLabel(e.code) });
          if (this.messageLogs.take()) this.log.warn({ code: e.code, message: clip(e.message) }, 'client reported an error');
          break;
        case 'positionMismatch':
          this.deps.metrics.positionMismatches.inc();
          if (this.mismatchLogs++ < MAX_MISMATCH_LOGS) this.log.warn({ ours: e.ours / 1e9, theirs: e.theirs / 1e9 }, 'client position differs from the server timeline');
          break;
        case 'ignored':
          if (this.messageLogs.take()) this.log.debug({ what: e.what }, 'ignored');
          break;
        case 'clientMessage':
          if (this.messageLogs.take()) this.log.debug({ type: e.message.type }, 'client message');
          break;
        case 'finalized':
          this.finalize(e.closedSent);
          break;
      }
    }
  }

  private send(text: string): void {
    if (this.ws.readyState !== this.ws.OPEN) return;
    // Bounded send buffer: a client that stopped reading is cut off rather than grown without limit.
    if (this.ws.bufferedAmount > this.deps.settings.maxSendBufferBytes) {
      this.log.warn({ buffered: this.ws.bufferedAmount }, 'send buffer full; dropping connection');
      this.ws.terminate();
      return;
    }
    this.ws.send(text);
  }

  private onOpened(open: OpenParameters, probe: boolean): void {
    this.openedAtIso = new Date().toISOString();
    if (probe) {
      this.deps.metrics.probes.inc();
      this.log.info('connection probe answered');
      return;
    }
    this.deps.metrics.sessionsOpened.inc({ tenant: this.params.orgId });
    this.deps.metrics.openLatency.observe((performance.now() - this.openStartedAt) / 1000);
    this.log.info({ conversationId: open.conversationId, media: this.core.media ?? null, state: this.core.state }, 'session opened');
    if (this._admitted && this.core.media) this.startSinks(this.pendingTags ?? {});
  }

  private startSinks(tags: Tags): void {
    const open = this.core.open;
    const media = this.core.media;
    if (!open || !media) return;
    this.info = {
      orgId: this.params.orgId,
      sessionId: this.core.sessionId,
      correlationId: this.params.correlationId,
      conversationId: open.conversationId,
      participant: open.participant,
      media,
      language: open.language,
      openedAt: this.openedAtIso || new Date().toISOString(),
      admittedAt: new Date().toISOString(),
      admittedPosition: this.core.position,
      agent: tags.agent,
      conversation: tags.conversation,
      openParameters: open,
    };
    this.taggedAgentId = tags.agent?.id;
    for (const sink of this.deps.sinks) {
      try {
        const s = sink.open(this.info, this.events);
        if (s) this.sinkSessions.push(s);
      } catch (err) {
        this.log.error({ sink: sink.name, err: errorMessage(err) }, 'sink failed to open');
      }
    }
  }

  /** An admitted session that ends before its audio resumed still gets its (empty) recording and stream. */
  private startHeldSinks(): void {
    if (this._admitted && !this.info && !this.sinksEnded && this.core.media) this.startSinks(this.pendingTags ?? {});
  }

  /**
   * `tagged` only for an actual change of agent, and never inside a pause: a
   * transfer's ringing and answered both retag, and a tag that arrives while
   * paused is sent when the stream resumes, at the resumed position.
   */
  private sendTagIfChanged(): void {
    const info = this.info;
    if (!info || this.sinksEnded || this.core.state === 'paused') return;
    if (info.agent === undefined || info.agent.id === this.taggedAgentId) return;
    this.taggedAgentId = info.agent.id;
    this.control({ type: 'tagged', position: this.core.position, agent: info.agent, conversation: info.conversation });
  }

  private control(event: SinkControl): void {
    for (const s of this.sinkSessions) s.control(event);
  }

  private endSinks(reason: string): void {
    if (this.sinksEnded) return;
    this.sinksEnded = true;
    const summary = { reason, position: this.core.position, endedAt: new Date().toISOString() };
    for (const s of this.sinkSessions) {
      this.deps.onFlush(s.end(summary).catch((err: unknown) => this.log.error({ err: errorMessage(err) }, 'sink failed to finish')));
    }
  }

  private finalize(closedSent: boolean): void {
    if (this._ended) return;
    this._ended = true;
    if (!closedSent && this.core.open && !this.core.isProbe) this.log.warn('socket closed without a close transaction');
    this.startHeldSinks();
    const suppressed = this.messageLogs.drainSuppressed();
    if (suppressed > 0) this.log.info({ suppressed }, 'log lines about client messages suppressed');
    this.endSinks(closedSent ? 'end' : 'socket-drop');
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    if (this.ctx) this.deps.admission.ended?.(this);
    this.deps.onEnd(this);
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    t.unref?.();
    this.timers.add(t);
  }
}
