/**
 * Live analysis of admitted calls (docs/guidance.md): a capture sink that,
 * for each session of a tenant with guidance enabled, runs the acoustic
 * analysis and the tenant's guidance rules over the call's audio, optionally
 * a speech analyzer (phrase spotting, transcripts), and hands each rule firing
 * to a FindingSink (which makes it a `guidance.triggered` event).
 *
 * Never on the audio path: `audio` copies the frame into a bounded per-session
 * queue and returns; the analysis runs later in the event loop (setImmediate),
 * a bounded batch per turn so many calls share the loop fairly. A queue that
 * is full (the process is behind) drops the newest frame and counts it: the
 * acoustic analysis sees the hole as a gap (neither talk nor silence).
 *
 * With `guidance.transcripts` on, final transcripts go back to Genesys as
 * AudioHook `transcript` event entities (Transcription Connector), offsets and
 * durations on the stream timeline (Genesys Cloud Developer Center, "AudioHook
 * protocol": event messages and the Transcription Connector's transcript
 * entity; https://developer.genesys.cloud/devapps/audiohook/).
 */
import { randomUUID } from 'node:crypto';
import type { SessionEvents, SessionInfo, Sink, SinkControl, SinkEnd, SinkSession } from '../capture/index.js';
import type { Logger } from '../platform/logging/index.js';
import { errorMessage } from '../platform/util/error-message.js';
import type { GuidanceConfig } from '../tenants/index.js';
import { createAcousticAnalysis, type AcousticAnalysis } from './acoustic/index.js';
import { findingId } from './live-findings.js';
import { createRuleEngine, phrasesOf, type RuleEngine } from './rules/index.js';
import { transcriptEntity } from './speech/index.js';
import type { AcousticMetrics, ChannelLayout, Finding, FindingSink, Party, SpeechAnalyzer, SpeechAnalyzerFactory, TranscriptResult } from './types.js';

export interface AnalysisSinkOptions {
  /** The tenant's guidance settings, from local state (must not do I/O). */
  guidance: (orgId: string) => GuidanceConfig | undefined;
  findings: FindingSink;
  /** Phrase spotting and transcripts; without it, phrase rules never fire and no transcript is sent. */
  speech?: SpeechAnalyzerFactory | undefined;
  log: Logger;
  onDrop: (n?: number) => void;
  /** Each finding, once (metrics: by rule kind). */
  onFinding?: (f: Finding) => void;
  /**
   * When a session's analysis ended: its figures and (at most MAX_SESSION_FINDINGS) findings, kept to be
   * compared with the post-call analysis (docs/guidance-postcall.md). Must not throw; not awaited.
   */
  onSessionEnd?: (session: { orgId: string; conversationId: string; sessionId: string }, result: { metrics: AcousticMetrics; findings: Finding[]; endedAt: string }) => void;
  /** Most audio waiting per session, in ms of the call; more is dropped. */
  maxQueuedMs?: number;
  /** Frames analysed per session per turn of the event loop. */
  batchFrames?: number;
}

const NS_PER_MS = 1_000_000;
const PARTY: Record<string, Party> = { external: 'customer', internal: 'agent' };
export const DEFAULT_MAX_QUEUED_MS = 5000;
const DEFAULT_BATCH_FRAMES = 50;
/** Findings a session keeps for its end summary: a runaway rule cannot grow it without bound. */
export const MAX_SESSION_FINDINGS = 200;

export class AnalysisSink implements Sink {
  readonly name = 'analysis';

  constructor(private readonly o: AnalysisSinkOptions) {}

  open(info: SessionInfo, events?: SessionEvents): SinkSession | undefined {
    const g = this.o.guidance(info.orgId);
    if (!g?.enabled || (g.rules.length === 0 && !g.transcripts)) return undefined;
    // The acoustic analysis reads G.711 µ-law at 8 kHz, the format Genesys offers (AudioHook protocol, media parameters).
    if (info.media.format !== 'PCMU' || info.media.rate !== 8000) {
      this.o.log.info({ orgId: info.orgId, sessionId: info.sessionId, format: info.media.format, rate: info.media.rate }, 'live analysis skipped: needs PCMU at 8 kHz');
      return undefined;
    }
    return new AnalysisSession(info, g, this.o, events);
  }
}

interface Queued {
  data: Uint8Array;
  positionMs: number;
  ms: number;
}

class AnalysisSession implements SinkSession {
  private readonly channels: ChannelLayout;
  private readonly acoustic: AcousticAnalysis;
  private readonly rules: RuleEngine;
  private readonly speech: SpeechAnalyzer | undefined;
  private readonly queue: Queued[] = [];
  private queuedMs = 0;
  private scheduled = false;
  private ended = false;
  private agent: Finding['agent'];
  private readonly fired: Finding[] = [];
  private readonly log: Logger;

  constructor(
    private readonly info: SessionInfo,
    private readonly g: GuidanceConfig,
    private readonly o: AnalysisSinkOptions,
    private readonly events: SessionEvents | undefined,
  ) {
    this.log = o.log.child({ orgId: info.orgId, conversationId: info.conversationId, sessionId: info.sessionId });
    this.channels = info.media.channels.map((c) => PARTY[c] ?? 'customer');
    this.agent = agentOf(info.agent);
    this.rules = createRuleEngine({ rules: g.rules, onFinding: (f) => this.found(f) });
    this.acoustic = createAcousticAnalysis({ channels: this.channels, onWindow: (w) => this.rules.window(w) });
    this.speech = this.openSpeech();
  }

  audio(data: Uint8Array, position: number, samples: number): void {
    if (this.ended) return;
    const ms = samples / 8;
    if (this.queuedMs + ms > (this.o.maxQueuedMs ?? DEFAULT_MAX_QUEUED_MS)) {
      this.o.onDrop();
      return;
    }
    // A copy: the caller may reuse its buffer once this returns.
    this.queue.push({ data: data.slice(), positionMs: position / NS_PER_MS, ms });
    this.queuedMs += ms;
    this.schedule();
  }

  control(e: SinkControl): void {
    if (e.type === 'tagged' && e.agent) this.agent = agentOf(e.agent);
  }

  async end(summary: SinkEnd): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    this.drain(Infinity);
    let metrics: AcousticMetrics | undefined;
    this.guard('acoustic end', () => void (metrics = this.acoustic.end()));
    if (this.speech) await this.speech.end().catch((err: unknown) => this.log.warn({ err: errorMessage(err) }, 'speech analyzer failed to finish'));
    this.rules.end(summary.position / NS_PER_MS);
    if (metrics && this.o.onSessionEnd) {
      const { orgId, conversationId, sessionId } = this.info;
      this.guard('session summary', () => this.o.onSessionEnd?.({ orgId, conversationId, sessionId }, { metrics: metrics!, findings: this.fired, endedAt: summary.endedAt }));
    }
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.drain(this.o.batchFrames ?? DEFAULT_BATCH_FRAMES);
      if (this.queue.length > 0) this.schedule();
    });
  }

  private drain(max: number): void {
    for (let n = 0; n < max && this.queue.length > 0; n++) {
      const f = this.queue.shift() as Queued;
      this.queuedMs -= f.ms;
      this.guard('acoustic analysis', () => this.acoustic.push(f.data, f.positionMs));
      if (this.speech) this.guard('speech analyzer', () => this.speech?.audio(f.data, f.positionMs));
    }
  }

  /** Analysis errors are this call's problem only: logged, never thrown into capture. */
  private guard(what: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.log.error({ err: errorMessage(err) }, `${what} failed`);
    }
  }

  private found(f: Finding): void {
    const finding: Finding = { ...f, id: findingId(f, this.info.sessionId), agent: this.agent };
    this.o.onFinding?.(finding);
    if (this.fired.length < MAX_SESSION_FINDINGS) this.fired.push(finding);
    this.o.findings.fire(this.info.orgId, this.info.conversationId, finding);
  }

  private openSpeech(): SpeechAnalyzer | undefined {
    if (!this.o.speech) return undefined;
    const phrases = phrasesOf(this.g.rules);
    try {
      return this.o.speech.open(
        { tenant: this.info.orgId, conversationId: this.info.conversationId, channels: this.channels, language: this.info.language, phrases, transcripts: this.g.transcripts },
        { phrase: (hit) => this.rules.phrase(hit), transcript: (t) => this.transcript(t) },
      );
    } catch (err) {
      this.log.error({ err: errorMessage(err) }, 'speech analyzer failed to open');
      return undefined;
    }
  }

  private transcript(t: TranscriptResult): void {
    if (!this.g.transcripts || !t.final || !this.events) return;
    const entity = transcriptEntity(t, { id: randomUUID(), channels: this.channels, language: this.info.language });
    if (!entity) return;
    if (!this.events.send([entity])) this.log.debug('transcript not sent: session no longer active');
  }
}

function agentOf(a: SessionInfo['agent']): Finding['agent'] {
  return a ? (a.name !== undefined ? { userId: a.id, name: a.name } : { userId: a.id }) : undefined;
}
